"""Word lists and patterns the rules read: verbs of speech and belief, speakers, numbers, opinion."""

from __future__ import annotations

import re

LABELS = ("claim", "quote", "statistic")
#: A label is suggested when its score reaches this.
THRESHOLD = 0.5
#: The pipeline components the rules read: tags and lemmas, the dependency parse and the entities.
REQUIRED_PIPES = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner")

# -- word lists ----------------------------------------------------------------------------------
#: Verbs that report what someone said or wrote.
SPEECH_VERBS = frozenset(
    """say tell warn argue claim insist add note explain state announce report write emphasise
    emphasize stress deny allege admit acknowledge reply respond complain declare concede exclaim
    remark observe assert contend maintain testify tweet recall reiterate confirm reveal urge vow
    indicate reaffirm affirm underline underscore mention hail
    promise threaten predict project estimate forecast suggest propose agree disclose caution
    lament boast quip joke accuse describe call dub label brand term chant shout yell scream cite
    quote answer reassure assure""".split()
)
#: Speech verbs that take their content as a that-clause only; with a bare object they describe an
#: act (``announced an agreement``, ``described it as``) and count only next to quotation marks.
NEEDS_CLAUSE = frozenset("announce confirm reveal propose suggest agree accuse describe call dub label brand term indicate mention hail".split())
#: Verbs of saying and believing that are hardly ever anything else (unlike ``maintain``, ``add``,
#: ``note`` or ``call``): a clause the parser cut off after them is still their content.
CLAUSE_VERBS = frozenset(
    """say tell warn argue claim insist explain state announce allege admit acknowledge reply
    complain declare concede assert contend testify reveal confirm predict estimate agree believe
    think fear reckon suspect reaffirm affirm mention speculate hypothesise hypothesize theorise
    theorize surmise posit""".split()
)
#: Verbs of pledging: what a speaker promised, with an infinitive or an object, is reported content.
PLEDGE_VERBS = frozenset("promise pledge vow threaten swear".split())
#: Verbs of accusing someone of or for something.
ACCUSATION_VERBS = frozenset("blame accuse".split())
#: Nouns that attribute what a sentence says in ``by … reports``: ``by varying reports``, ``by some
#: accounts``, ``by official estimates``.
ATTRIBUTING_NOUNS = frozenset("report account estimate".split())
#: Verbs of a call or request by a speaker with ``for`` or ``on … to``: ``asked for patience``,
#: ``called on Turkey to halt``.
CALL_VERBS = frozenset("call ask appeal plead press".split())
#: Nouns of a view that put a sentence as someone's: ``in the analysis of the Institute``, ``in his
#: words``.
VIEW_NOUNS = frozenset("analysis view opinion word words assessment estimation judgement judgment eyes".split())
#: Documents that speak for whoever issued them: ``a statement announcing …``.
DOCUMENT_NOUNS = frozenset(
    "statement release letter notice announcement communique message post tweet guideline guidelines guidance complaint lawsuit op-ed editorial email".split()
)
#: Places that speak as the bodies that govern them, as subjects of verbs of saying: ``The city of
#: Calabasas announced …``.
BODY_NOUNS = frozenset("city town county municipality province village".split())
#: Verbs of hope: what a speaker hopes, as an infinitive or a clause, is their mind reported
#: (``leaders hope that he will …``); not ``want`` or ``plan``, which report what someone intends to do.
INTENTION_VERBS = frozenset("hope".split())
#: Verbs of praise and blame that report what a speaker said of someone in a ``for`` phrase:
#: ``mocked Rubio for not having won a single state``, ``congratulated Sanders for competing hard``.
PRAISE_BLAME_VERBS = frozenset(
    """congratulate thank praise commend applaud laud hail credit criticize criticise mock ridicule
    decry bemoan fault blast slam chide scold rebuke lambaste deride attack""".split()
)
#: Verbs of belief with an object and an infinitive: ``envisioned the pipeline to end …``.
OBJECT_BELIEF_VERBS = frozenset("envision envisage believe consider expect".split())
#: Figures that someone "puts" or "places" somewhere when they estimate them: ``USGS placed the
#: epicenter …``, ``police put the death toll at 20``.
ESTIMATED_NOUNS = frozenset("epicenter epicentre toll number figure cost damage magnitude estimate count total".split())
#: Verbs of a closing attribution: ``…, Ray said.``, ``…, reported NDTV.``
ATTRIBUTION_VERBS = frozenset(
    """say tell add note write report explain argue insist warn claim emphasise emphasize stress
    reply respond recall conclude continue exclaim declare tweet complain""".split()
)
#: Nouns for people and bodies that speak.
SPEAKER_NOUNS = frozenset(
    """government ministry minister official officials spokesman spokeswoman spokesperson police
    president union company researcher researchers scientist scientists expert experts critic
    critics campaigners department committee court agency authorities lawyer lawyers prosecutor
    prosecutors analyst analysts leader leaders director chief secretary source sources
    witness witnesses residents doctor doctors economist economists outlet outlets media newspaper
    newspapers paper channel broadcaster network agency authority critic campaigner resident
    organiser organizer activist observer commentator regulator lawmaker legislator senator governor
    mayor administration party group association organisation organization firm bank
    magazine journal hospital embassy office council board institute university charity
    foundation participant participants respondent respondents service reporter journalist
    correspondent candidate voter supporter opponent aide adviser advisor strategist pollster
    staffer consultant delegate congressman congresswoman judge sheriff conservative progressive
    liberal""".split()
)
#: Speech verbs whose subject may be a thing: ``it says``, ``the guidance states``.
THING_MAY_SAY = frozenset("say write state read".split())
#: Speech verbs only people and bodies do: ``it insisted that …`` is an organisation speaking.
PEOPLE_ONLY_SPEECH = frozenset(
    "insist warn argue claim deny admit acknowledge complain contend maintain urge vow promise threaten concede reiterate".split()
)
#: Verbs that report what an inquiry established, with a clause: ``the report found that …``,
#: ``recent reports have revealed that …``, ``estimates suggest …``, ``the court ruled that …``.
FINDING_VERBS = frozenset("find conclude determine establish show reveal suggest indicate rule decide".split())
#: Subjects that report findings: ``a 2018 study found that``, ``the court found that``; matched by
#: lemma or by the word itself (the lemmatiser makes ``researchers`` ``researcher``).
FINDING_SOURCES = frozenset(
    """report study survey poll research review inquiry investigation audit court committee panel
    judge jury researcher researchers scientist scientists author authors investigator
    investigators inspector inspectors regulator watchdog commission tribunal estimate estimates
    paper article articles data datum projection projections autopsy""".split()
)
#: Verbs that report a request, a recommendation or a question put to someone, with what is asked
#: as an infinitive or a clause: ``asked the council to …``, ``recommends that …``, ``were
#: encouraged to submit``, ``asked officials how …``.
REQUEST_VERBS = frozenset("ask request recommend advise urge encourage implore beg appeal invite order instruct task direct command".split())
#: Request verbs whose subject may also be a thing that moves people (``low rates encourage people
#: to borrow``): they report a request only from a speaker, or in the passive.
REQUEST_NEEDS_SPEAKER = frozenset("encourage invite".split())
#: Verbs that report how someone characterised a thing: ``the magazine describes the ruling as
#: historic``, ``Belloc defined it as economic status``, ``painted her rival as …``, ``remembered Ali
#: as fun to be around`` (``cast`` only with a gerund or adjective: ``cast him as Han Solo`` is a role).
DESCRIPTION_VERBS = frozenset(
    """describe characterise characterize portray define brand label dub hail tout dismiss condemn
    criticise criticize denounce praise reject welcome slam decry cite list name cast paint
    remember""".split()
)
#: Adjectives of belief or feeling that report a stance with a clause: ``are concerned the
#: government will …``.
STANCE_ADJECTIVES = frozenset(
    "concerned worried afraid fearful confident convinced sure certain hopeful optimistic pessimistic adamant unsure uncertain doubtful".split()
)
#: Verbs that report a forecast or belief in the passive with an infinitive: ``is expected to``.
PASSIVE_REPORTING = frozenset(
    "expect believe think forecast predict estimate project understand rumour rumor reckon know consider".split()
)
#: Nouns that carry reported content in a that-clause when someone owns them: ``the Committee's
#: concern was that …``, ``his claim that …``.
REPORT_NOUNS = frozenset(
    """claim concern argument view warning finding conclusion message point position belief fear
    allegation assertion complaint insistence contention suggestion promise statement verdict advice
    assurance""".split()
)
#: Speech verbs that report a view with a plain object when a person says it: ``Valle notes the …``.
#: Not ``report``: what a body reports with only a noun (``the WHO reported 1,051,635 confirmed
#: cases``, ``reported the invention of a new coating``) is a speech act with only a noun, no quote
#: (convention E); with a clause (``reported the number of cases rose to 58``) it still is one.
VIEW_VERBS = frozenset(
    "say tell note argue claim warn insist explain stress emphasise emphasize underline underscore predict forecast project cite".split()
)
#: Verbs that name a quoted phrase: ``called Britain ‘the seat of all evil’``.
NAMING_VERBS = frozenset("call describe dub label brand term name declare title".split())
#: Verbs that put the quoted words they govern into someone's mouth, though alone they report
#: nothing: ``spoke about “improving NAFTA”``, ``voiced a wish for a “strong … Mexico”``.
VOICING_VERBS = frozenset("speak talk voice pronounce tout".split())
#: What ``voice`` puts into words when it voices words at all: ``voiced a wish for …``.
VOICED_NOUNS = frozenset("""wish hope concern concerns support opposition doubt doubts fear fears frustration anger
    objection objections belief view views opinion opinions dismay regret confidence optimism
    skepticism scepticism criticism praise outrage displeasure approval disapproval""".split())
#: People counted in a poll: ``Thirty percent of whites agree that …`` (not ``of the tests``).
PEOPLE_NOUNS = frozenset("""people person adult adult man men woman women white black hispanic latino
    asian american parent student worker citizen member household resident voter respondent
    millennial teen teenager youth senior retiree republican democrat independent immigrant
    employee consumer customer patient reader viewer""".split())
#: Cognition verbs that report a stance when they have a subject and a clausal complement.
COGNITION_VERBS = frozenset(
    "believe think fear fret worry reckon doubt feel suppose suspect assume deem speculate hypothesise hypothesize theorise theorize surmise posit".split()
)
FIRST_PERSON = frozenset("i we me us".split())
#: Verbs of feeling, wish and belief: with "I" or "we" as their subject they state the speaker's mind
#: (``I love Canada``, ``we want borders``), which nobody can check.
FEELING_VERBS = frozenset("feel love like hate hope wish want think believe guess know need appreciate".split())

NUMBER_WORDS = frozenset(
    """two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    thousand million billion trillion""".split()
)
#: Words that count without being a number: ``a dozen``, ``half of``, ``hundreds of thousands``.
COUNT_WORDS = frozenset("dozen dozens half third thirds quarter quarters hundreds thousands millions billions score scores".split())
APPROXIMATORS = frozenset("more less fewer than nearly almost about around approximately roughly over under least most some up close".split())
#: A number that names rather than measures: versions, codes, model names (BA.4.6, R346T, CoV-2).
CODE = re.compile(r"[A-Za-z]\d|\d(?!(?:k|m|bn|s)\b)[A-Za-z]|^\d+(?:\.\d+){2,}$|^\d+\.\d+\.")
_FRACTION = re.compile(r"\b(?:one|two|three|four|five|nine)[- ](?:half|halves|thirds?|quarters?|fourths?|fifths?|sixths?|eighths?|tenths?)\b", re.IGNORECASE)
_NUMBER_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|\d[\d,.]*)"
#: A score or a range of small numbers: ``1–0``, ``43–5``, ``12–18`` (not ``COVID-19`` or ``F-16``).
SCORE = re.compile(r"(?<![\w.–-])\d{1,2}\s?[–-]\s?\d{1,2}(?![\w–-]|\.\d|\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|second|minute|hour|day|week|month|year|decade))")
#: A clock time: ``22:00``, ``2100 UTC``, ``9 pm``.
CLOCK = re.compile(r"^\d{1,2}[:.]\d{2}$")
CLOCK_AFTER = frozenset("utc gmt am pm a.m. p.m. hrs local est edt pst pdt cet bst ist".split())
#: Counting phrases the entity recogniser does not mark: fractions, ratios, multiples, amounts of
#: money inside tables.
NUMERIC_PHRASES = (
    (_FRACTION, "fraction", 0.75),
    (re.compile(rf"\b{_NUMBER_WORD}\s+(?:[\w’']+\s+){{0,2}}(?:in|out of)\s+(?:every\s+)?{_NUMBER_WORD}\b", re.IGNORECASE), "ratio", 0.8),
    (re.compile(rf"\b{_NUMBER_WORD}\s+times\s+(?:more|less|fewer|as|what|the|higher|lower|larger|smaller|greater|that|its|their)\b", re.IGNORECASE), "multiple", 0.75),
    (re.compile(r"[$£€¥]\s?\d"), "money", 0.85),
    (SCORE, "score", 0.75),
    (re.compile(r"\b(?:USD|US\$|EUR|GBP|AUD|CAD|NZD|INR|JPY|CNY|CHF|Rs\.?)\s?\d"), "money", 0.85),
    (re.compile(r"\b(?:two|three|four|five|ten|hundred|thousand|million|\d[\d,.]*)[- ]?fold\b", re.IGNORECASE), "multiple", 0.75),
)
YEAR = re.compile(r"^(?:1[5-9]|20)\d\d(?:s)?$")
#: Words that place a span of time rather than measure it: ``two days later``, ``ten years ago``,
#: ``three years into``, ``within 48 hours``, ``in two weeks``.
PLACING_WORDS = frozenset("later earlier ago before after prior into on since hence beforehand afterwards previously".split())
PLACING_PREPOSITIONS = frozenset("within in until till through".split())
#: Words that make a span of time a window that places an event (``over the last five months``)
#: unless ``for`` measures it (``for the last 30 years``).
WINDOW_WORDS = frozenset("last past next coming previous first final recent".split())
#: Nouns after which a number is a name or a rank, not a count: ``number 27``, ``round 3``, ``No. 1``.
LABEL_NOUNS = frozenset("number no no. nos. # round game match stage leg heat level grade tier phase chapter article section clause page".split())
#: Nouns that a number with a hyphen sizes: ``the 131-page document``, ``a six-member team``.
SIZE_NOUNS = frozenset(
    """page member seat nation country storey story floor lane mile kilometre kilometer km metre meter
    foot feet acre hectare tonne ton pound kilogram kg bed room pack car vehicle
    strong time point lap hole game match day week month year hour minute second decade century""".split()
)
#: Nouns that a hyphened ``one`` makes a kind, not a count: ``one-way``, ``a one-time champion``.
ONE_KINDS = frozenset("way time off on party state sided side stop size shot man woman piece".split())
#: Verbs of a change by a multiple: ``prices doubled``, ``to double the number``; they measure only a
#: quantity (``doubled the lead`` in a match, ``halving its staff`` do not).
MULTIPLE_VERBS = frozenset("double triple quadruple halve treble".split())
QUANTITY_NOUNS = frozenset(
    """number amount size price prices cost costs figure rate total count population capacity output
    production sales budget spending revenue income wage wages salary salaries value share toll""".split()
)
#: Nouns before a number that measure with it: ``a magnitude 5.2 earthquake``.
MEASURE_NOUNS = frozenset("magnitude".split())

#: Words of judgement, hedging and rhetoric: evidence of opinion rather than a checkable claim.
OPINION = frozenset(
    """clearly obviously surely perhaps probably presumably apparently arguably seemingly supposedly
    seem appear fair unfair good bad great terrible excellent wonderful awful stupid nice
    ridiculous shameful disgraceful fortunately unfortunately sadly hopefully frankly honestly
    indeed course really truly vacuity nonsense propaganda outrageous""".split()
)
#: Verbs of doing that make checkable events: accusations, denials, conflict, money, law.
EVENT_VERBS = frozenset(
    """accuse deny reject condemn blame attack target kill launch strike ban block pass vote elect
    win lose spend pay cost fund bribe arrest charge sue sign approve authorize authorise ratify
    announce publish release conduct dispatch send deploy seize destroy burn found create cut raise
    rise fall increase decrease reduce double triple grow drop decline provide supply sell buy
    acquire own employ hire fire resign appoint sanction invade bomb shoot die injure""".split()
)
CAUSAL = frozenset("because cause caused causes causing due result resulted resulting lead led leads thanks driven exacerbate exacerbated".split())
#: Where the claim score starts before evidence moves it.
CLAIM_BASE = 0.45
COMPARATIVE_TAGS = frozenset(("JJR", "RBR", "JJS", "RBS"))
ACTOR_ENTS = frozenset(("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"))

FINITE = frozenset(("VBD", "VBZ", "VBP", "MD"))
#: Nouns after "according to" that are a measure or a plan, not a source.
NOT_SOURCES = frozenset("status plan schedule need size age rank merit ability tradition custom season taste position type class".split())
TIME_UNITS = frozenset("second minute hour day week month year decade century".split())
TIME_ADJECTIVES = frozenset("past next last coming previous first recent early late few several same".split())
