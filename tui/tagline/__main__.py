from tagline.cli import main

raise SystemExit(main())
