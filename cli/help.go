package cli

// The help texts of the command line, English and Dutch: each command's
// synopsis and usage, the command groups, the flags and the top-level usage.
// They are printed with In, not as formats, so a literal % needs no escape.

// The top-level usage, the group usage and the command usage.
var (
	mUsageHead = Msg(`Usage: klachtdesk COMMAND [flags] [arguments]

Klachtdesk registers written complaints and carries them through the
complaints procedure. Commands:

`, `Gebruik: klachtdesk OPDRACHT [opties] [argumenten]

Klachtdesk registreert schriftelijke klachten en voert ze door de
klachtenregeling. Opdrachten:

`)
	mUsageTail = Msg(`
Every command takes these flags (a flag wins over its environment variable):
  --data DIR         data folder (KLACHTDESK_DATA, default ./klachtdesk-data)
  --db URL           database URL (KLACHTDESK_DB or a file named by
                     KLACHTDESK_DB_FILE; default: SQLite in the data folder)
  --db-max-conns N   PostgreSQL connections per process (KLACHTDESK_DB_MAX_CONNS, default 10)
  --log-format F     text or json (KLACHTDESK_LOG_FORMAT, default text)
  --log-level L      debug, info, warn or error (KLACHTDESK_LOG_LEVEL, default info)

Messages are in English, or in Dutch when KLACHTDESK_LANG is nl or, without
it, the locale is Dutch (LC_ALL, LC_MESSAGES or LANG such as nl_NL.UTF-8).

Run "klachtdesk COMMAND -h" for the flags of one command.
Exit status: 0 success, 1 failure, 2 wrong command line.
`, `
Elke opdracht kent deze opties (een optie gaat voor haar omgevingsvariabele):
  --data MAP         datamap (KLACHTDESK_DATA, standaard ./klachtdesk-data)
  --db URL           database-URL (KLACHTDESK_DB of een bestand genoemd in
                     KLACHTDESK_DB_FILE; standaard: SQLite in de datamap)
  --db-max-conns N   verbindingen met PostgreSQL per proces (KLACHTDESK_DB_MAX_CONNS, standaard 10)
  --log-format F     text of json (KLACHTDESK_LOG_FORMAT, standaard text)
  --log-level L      debug, info, warn of error (KLACHTDESK_LOG_LEVEL, standaard info)

De meldingen zijn in het Nederlands wanneer KLACHTDESK_LANG nl is of, zonder
die variabele, de locale Nederlands is (LC_ALL, LC_MESSAGES of LANG zoals
nl_NL.UTF-8); anders in het Engels.

'klachtdesk OPDRACHT -h' toont de opties van één opdracht.
Afsluitstatus: 0 gelukt, 1 mislukt, 2 verkeerde opdrachtregel.
`)
	mGroupUsageHead = Msg("Usage: klachtdesk %s SUB-COMMAND [flags] [arguments]\n\n%s\n\n",
		"Gebruik: klachtdesk %s SUBOPDRACHT [opties] [argumenten]\n\n%s\n\n")
	mGroupUsageTail = Msg("\nRun \"klachtdesk %s SUB-COMMAND -h\" for its flags.\n",
		"\n'klachtdesk %s SUBOPDRACHT -h' toont de opties ervan.\n")
	mFlagsHeader = Msg("\nFlags:\n", "\nOpties:\n")
	mEnvironment = Msg("\nEnvironment: KLACHTDESK_DATA, KLACHTDESK_DB (or KLACHTDESK_DB_FILE), KLACHTDESK_DB_MAX_CONNS, KLACHTDESK_LOG_FORMAT,\nKLACHTDESK_LOG_LEVEL, KLACHTDESK_LANG (nl or en)",
		"\nOmgeving: KLACHTDESK_DATA, KLACHTDESK_DB (of KLACHTDESK_DB_FILE), KLACHTDESK_DB_MAX_CONNS, KLACHTDESK_LOG_FORMAT,\nKLACHTDESK_LOG_LEVEL, KLACHTDESK_LANG (nl of en)")
	mEnvironmentEnd = Msg("; a flag wins over its variable.\n", "; een optie gaat voor haar variabele.\n")
	// mFlagDefault is how the flag package ends a flag's line with its
	// default value.
	mFlagDefault = Msg(" (default ", " (standaard ")
)

// groups are the commands that take a sub-command; each description ends
// with the list of sub-commands after a colon.
var groups = map[string]*Text{
	"user":       Msg("manage staff users: add, list, passwd", "gebruikers (medewerkers) beheren: add, list, passwd"),
	"audit":      Msg("check the audit trail: verify", "de audittrail controleren: verify"),
	"settings":   Msg("read and change the procedure settings: get, set", "de instellingen van de klachtenregeling lezen en wijzigen: get, set"),
	"complaint":  Msg("register and list complaints: add, list", "klachten registreren en opsommen: add, list"),
	"message":    Msg("act on a received message: accept, split", "een ontvangen bericht afhandelen: accept, split"),
	"quarantine": Msg("mails intake refused or could not process: list, show, retry", "e-mails die de intake weigerde of niet kon verwerken: list, show, retry"),
	"letter":     Msg("letters in the outbox: retry", "brieven in de verzendwachtrij: retry"),
}

// The flags of cmd/klachtdesk that every command, or some, take.
var (
	MsgFlagData       = Msg("data `folder`", "data`map`")
	MsgFlagDB         = Msg("database `URL` (empty: SQLite in the data folder)", "database-`URL` (leeg: SQLite in de datamap)")
	MsgFlagDBMaxConns = Msg("most `connections` to PostgreSQL per process (0: 10)", "hoogste aantal `verbindingen` met PostgreSQL per proces (0: 10)")
	MsgFlagLogFormat  = Msg("log format: text or json", "log`formaat`: text of json")
	MsgFlagLogLevel   = Msg("log level: debug, info, warn or error", "log`niveau`: debug, info, warn of error")
	MsgFlagAddr       = Msg("`HOST:PORT` to listen on", "`HOST:PORT` waarop de server luistert")
	MsgFlagMailConfig = Msg("mail configuration `FILE` (IMAP mailboxes, SMTP server); see docs/mail.md", "`FILE` met de e-mailconfiguratie (IMAP-mailboxen, SMTP-server); zie docs/mail.md")
)

// Flags shared by several commands.
var (
	fJSONLines    = Msg("one JSON object per line", "één JSON-object per regel")
	fJSONPerMail  = Msg("print one JSON line per mail", "één JSON-regel per e-mail tonen")
	fPasswordFile = Msg("read the password from `FILE`", "het wachtwoord uit `FILE` lezen")
)

// version, migrate, audit verify.
var (
	hVersion      = Msg("print the version of klachtdesk and of Go", "de versie van klachtdesk en van Go tonen")
	hVersionUsage = Msg(`Usage: klachtdesk version

Prints the version of klachtdesk (set at build time) and the Go version it
was built with.
`, `Gebruik: klachtdesk version

Toont de versie van klachtdesk (vastgelegd bij het bouwen) en de versie van
Go waarmee het gebouwd is.
`)
	hMigrate      = Msg("create or upgrade the database and print its schema version", "de database aanmaken of bijwerken en de schemaversie tonen")
	hMigrateUsage = Msg(`Usage: klachtdesk migrate [flags]

Creates the data folder and the database when missing, runs every pending
migration and prints the schema version. serve does the same at start.
`, `Gebruik: klachtdesk migrate [opties]

Maakt de datamap en de database aan als ze ontbreken, voert elke openstaande
migratie uit en toont de schemaversie. serve doet hetzelfde bij het starten.
`)
	hAuditVerify      = Msg("check that the audit trail and the stored files are intact", "controleren of de audittrail en de opgeslagen bestanden intact zijn")
	hAuditVerifyUsage = Msg(`Usage: klachtdesk audit verify [flags]

Walks the hash-chained audit trail from its first event and checks every
row. Prints "audit trail intact: N events" and the chain's head as
"anchor: ID:HASH" and exits 0, or "audit trail BROKEN at event ID: REASON"
and exits 1.

A chain proves every row against the rows before it, but not against a
rewrite of the whole trail, nor against losing its last rows (an older
backup restored). So the chain's head is also recorded outside the
database: a line in anchors.log in the data folder, appended by serve once
a day and by every successful audit verify. audit verify checks that the
trail still holds the last anchor of that log and exits 1 when it lost its
tail or was rewritten after it. After a restore (README, Operations,
Restore), --accept-restore records the restored trail's head as the new
anchor. Record an anchor outside the machine too now and then (a ticket, a
mail to the auditor); --anchor ID:HASH then also checks that event ID still
has that hash.

It also checks every stored file (raw mails, attachments) against its
SHA-256 and the database file with SQLite's quick_check, names each
missing or changed file, and exits 1 when one is.
`, `Gebruik: klachtdesk audit verify [opties]

Loopt de met hashes geketende audittrail af vanaf de eerste gebeurtenis en
controleert elke rij. Toont "audittrail intact: N gebeurtenissen" en de kop
van de keten als "anker: ID:HASH" en sluit af met 0, of toont "audittrail
GEBROKEN bij gebeurtenis ID: REDEN" en sluit af met 1.

Een keten bewijst elke rij tegenover de rijen ervoor, maar niet tegen het
herschrijven van de hele audittrail, en ook niet tegen het verlies van de
laatste rijen (een oudere back-up teruggezet). Daarom wordt de kop van de
keten ook buiten de database vastgelegd: een regel in anchors.log in de
datamap, die serve eens per dag toevoegt en elke geslaagde audit verify ook.
audit verify controleert of de audittrail het laatste anker van dat log nog
bevat en sluit af met 1 als het einde ontbreekt of daarna is herschreven.
Na het terugzetten van een back-up (README, Operations, Restore) legt
--accept-restore de kop van de teruggezette audittrail vast als nieuw anker.
Leg af en toe ook een anker buiten de machine vast (een ticket, een e-mail
aan de auditor); --anchor ID:HASH controleert dan ook of gebeurtenis ID nog
die hash heeft.

Controleert ook elk opgeslagen bestand (ruwe e-mails, bijlagen) tegen de
SHA-256 ervan en het databasebestand met quick_check van SQLite, noemt elk
ontbrekend of gewijzigd bestand en sluit in dat geval af met 1.
`)
	fAnchor        = Msg("also check a recorded anchor `ID:HASH`", "ook een vastgelegd anker `ID:HASH` controleren")
	fAcceptRestore = Msg("after a restore: record the trail's head as the new anchor although events after the last anchor are gone",
		"na het terugzetten van een back-up: de kop van de audittrail als nieuw anker vastleggen, ook al zijn gebeurtenissen na het laatste anker verdwenen")
)

// complaint add, complaint list, show.
var (
	hComplaintAdd      = Msg("register a written complaint; prints its reference", "een schriftelijke klacht registreren; toont het kenmerk")
	hComplaintAddUsage = Msg(`Usage: klachtdesk complaint add --channel email|letter|webform [flags]
       klachtdesk complaint add --json < complaint.json
       klachtdesk complaint add - < complaint.json

Registers a written complaint and prints its reference, and only that, on
standard output (a warning, such as a late notice, goes to standard error).
A complaint is given either as flags or as one JSON object on standard input
(with --json or "-", or when no complaint flags are given and standard input
is not a terminal).

--received is an RFC 3339 instant (2026-11-20T10:15:00+01:00) or a date
(2026-11-20, meaning noon in the organisation's time zone; for a letter, the
day it was delivered); it defaults to now. The language defaults to the
setting language.default. One of --consumer or --business is required.

The JSON object has the fields of the flags:
`+complaintJSON+`received_at defaults to now and complainant.language to language.default;
unknown fields are refused.

Kinds and subtypes: service (reachability, information, communication,
conduct, other) and product (defect, delivery, warranty_repair, software,
other).
`, `Gebruik: klachtdesk complaint add --channel email|letter|webform [opties]
         klachtdesk complaint add --json < klacht.json
         klachtdesk complaint add - < klacht.json

Registreert een schriftelijke klacht en toont het kenmerk, en alleen dat, op
standaarduitvoer (een waarschuwing, zoals een late melding, gaat naar
standaardfout). Een klacht wordt gegeven als opties of als één JSON-object op
standaardinvoer (met --json of "-", of wanneer er geen klachtopties zijn en
standaardinvoer geen terminal is).

--received is een RFC 3339-tijdstip (2026-11-20T10:15:00+01:00) of een datum
(2026-11-20: twaalf uur 's middags in de tijdzone van de organisatie; bij een
brief de dag waarop die bezorgd is); standaard nu. De taal is standaard de
instelling language.default. --consumer of --business is verplicht.

Het JSON-object heeft de velden van de opties:
`+complaintJSON+`received_at is standaard nu en complainant.language standaard language.default;
onbekende velden worden geweigerd.

Soorten en subsoorten: service (bereikbaarheid: reachability,
informatieverstrekking: information, communicatie: communication,
bejegening: conduct, other) en product (defect, levering: delivery,
garantiereparatie: warranty_repair, software, other).
`)
	fComplaintJSON = Msg("read the complaint as JSON from standard input", "de klacht als JSON van standaardinvoer lezen")
	fChannel       = Msg("how it arrived: `email`, letter or webform", "hoe de klacht binnenkwam: `email`, letter of webform")
	fReceived      = Msg("when it was received: RFC 3339 `instant` or YYYY-MM-DD (default now)", "datum van ontvangst: RFC 3339-`tijdstip` of JJJJ-MM-DD (standaard nu)")
	fName          = Msg("complainant's `name`", "`naam` van de klager")
	fEmail         = Msg("complainant's e-mail `address`", "e-mail`adres` van de klager")
	fAddress       = Msg("complainant's postal `address`", "post`adres` van de klager")
	fPhone         = Msg("complainant's phone `number`", "telefoon`nummer` van de klager")
	fCustomerNum   = Msg("complainant's customer `number`", "klant`nummer` van de klager")
	fConsumer      = Msg("the complainant is a consumer", "de klager is een consument")
	fBusiness      = Msg("the complainant is a business customer", "de klager is een zakelijke klant")
	fLang          = Msg("complainant's `language`: nl or en (default: setting language.default)", "`taal` van de klager: nl of en (standaard: instelling language.default)")
	fKind          = Msg("`kind`: service or product", "`soort`: service of product")
	fSubtype       = Msg("`subtype` of the kind (default other)", "`subsoort` van de soort (standaard other)")
	fSubject       = Msg("`subject` line", "`onderwerp`sregel")
	fText          = Msg("the complaint `text`", "de `tekst` van de klacht")
	fRemedy        = Msg("what the complainant asks for", "wat de klager vraagt: de gevraagde `oplossing`")
	fProductRef    = Msg("product `reference`, such as model and serial number", "product`aanduiding`, zoals model en serienummer")
	fDiscovered    = Msg("`date` the product problem was discovered (YYYY-MM-DD)", "`datum` waarop het probleem met het product ontdekt is (JJJJ-MM-DD)")
	fSeverity      = Msg("`severity`: low, normal or high (default normal)", "`ernst`: low, normal of high (standaard normal)")
	fInformal      = Msg("`note` on the customer's first, informal contact", "`notitie` over het eerste, informele contact met de klant")
	fConcerned     = Msg("comma-separated user `names` of the employees the complaint is about", "gebruikers`namen`, gescheiden door komma's, van de betrokken medewerkers (over wie de klacht gaat)")

	hComplaintList      = Msg("print the complaints register, newest first", "het klachtenregister tonen, nieuwste eerst")
	hComplaintListUsage = Msg(`Usage: klachtdesk complaint list [--state STATE] [--open|--closed] [--limit N] [--json]

Prints the complaints register (klachtenregister), newest first: reference,
date of receipt, state, kind and subtype, route, the date the answer is due
while it is still owed (the promised date when extended), flags and
complainant. --json prints one
JSON object per line with the same facts and every deadline.
`, `Gebruik: klachtdesk complaint list [--state STATE] [--open|--closed] [--limit N] [--json]

Toont het klachtenregister, nieuwste eerst: kenmerk, datum van ontvangst,
status, soort en subsoort, route, de uiterste antwoorddatum zolang het
antwoord nog verschuldigd is (de toegezegde datum bij verlenging), kenmerken
en klager. --json toont één JSON-object per regel met dezelfde gegevens en
alle termijnen.
`)
	fState  = Msg("only complaints in this state", "alleen klachten met deze `status`")
	fOpen   = Msg("only open complaints", "alleen openstaande klachten")
	fClosed = Msg("only closed and anonymised complaints", "alleen afgesloten en geanonimiseerde klachten")
	fLimit  = Msg("at most N complaints (0: all)", "hoogstens `N` klachten (0: alle)")

	hShow      = Msg("show a complaint with its deadlines and history", "een klacht tonen met haar termijnen en geschiedenis")
	hShowUsage = Msg(`Usage: klachtdesk show REFERENCE [--json]

Shows a complaint: state, flags, route, complainant, kind, every deadline
with the rule version that computed it, the event history (times in the
organisation's time zone) and the messages.

With --json it prints one JSON object:
`+showJSON+`An unset deadline has an empty date.
`, `Gebruik: klachtdesk show REFERENCE [--json]

Toont een klacht: status, kenmerken, route, klager, soort, elke termijn met
de regelversie die hem berekende, de geschiedenis van gebeurtenissen (tijden
in de tijdzone van de organisatie) en de berichten.

Met --json toont het één JSON-object:
`+showJSON+`Een termijn die niet gezet is, heeft een lege datum.
`)
	fShowJSON = Msg("print one JSON object", "één JSON-object tonen")
)

// complaintJSON is the example complaint of "complaint add -h", the same
// in both languages.
const complaintJSON = `  {
    "channel": "email",
    "received_at": "2026-11-20T10:15:00+01:00",
    "complainant": {
      "name": "Jan de Vries", "email": "jan.devries@example.nl",
      "postal_address": "Dorpsstraat 1, 1234 AB Ergenshuizen",
      "phone": "06-12345678", "customer_number": "KN-100234",
      "type": "consumer", "language": "nl"
    },
    "kind": "product", "subtype": "defect",
    "subject": "Laptop start niet meer op",
    "description": "Sinds de laatste update start mijn laptop niet meer op.",
    "remedy_sought": "Reparatie of een vervangend exemplaar",
    "product_ref": "ProBook 450 G9, serienummer 5CD1234XYZ",
    "discovered": "2026-11-02",
    "severity": "normal",
    "informal_contact": "Eerst gebeld met de helpdesk op 3 november",
    "concerned_employees": [4]
  }
`

// showJSON is the shape of "show --json", the same in both languages.
const showJSON = `  {"complaint": {...}, "complainant": {...},
   "deadlines": {"ack_due": {"date": "2026-11-25", "rule": "r1.s0"}, "answer_due": ...,
                 "act_by": ..., "promised_date": ..., "reaction_due": ..., "retention_until": ...},
   "overdue": false, "events": [...], "messages": [...]}
`

// demo, letter retry.
var (
	hDemo      = Msg("fill an empty store with realistic demo complaints", "een lege opslag vullen met realistische demoklachten")
	hDemoUsage = Msg(`Usage: klachtdesk demo [--count 300] [--seed 1]

Fills an empty store with about --count realistic complaints in Dutch and
English, spread over the last 30 months, in every state (received,
acknowledged, in_treatment, awaiting_info, answered, referred, closed with
each close reason, anonymised); some extended, escalated, overdue, under
legal hold or with a late notice. It creates a few handler users with Dutch
names (with one random password, printed) and makes some of them employees
concerned by complaints. On a store without users it first creates the
administrator and prints its credentials, as the first serve would have.

Every change goes through the procedure's rules and the audit trail, with
the store's clock set to a simulated time moving forward from 30 months ago.
The same --seed gives the same data (relative to today). Demo complainants
are made up: their complaints get no letters.

Demo data goes into an empty store only: when the store already holds
complaints, demo refuses and changes nothing. Use a new --data folder.
`, `Gebruik: klachtdesk demo [--count 300] [--seed 1]

Vult een lege opslag met ongeveer --count realistische klachten in het
Nederlands en het Engels, verspreid over de afgelopen 30 maanden, in elke
status (received, acknowledged, in_treatment, awaiting_info, answered,
referred, closed met elke reden van afsluiting, anonymised); sommige
verlengd, geëscaleerd, met termijn overschreden, onder bewaarplicht of met
een late melding. Maakt een paar klachtbehandelaars met Nederlandse namen
aan (met één willekeurig wachtwoord, dat getoond wordt) en maakt sommigen
van hen betrokken medewerker bij klachten. In een opslag zonder gebruikers
maakt het eerst de beheerder aan en toont de inloggegevens, zoals de eerste
serve gedaan zou hebben.

Elke wijziging volgt de regels van de klachtenregeling en komt in de
audittrail, terwijl de klok van de opslag een gesimuleerde tijd volgt die
30 maanden geleden begint. Dezelfde --seed geeft dezelfde gegevens (ten
opzichte van vandaag). Demoklagers zijn verzonnen: hun klachten krijgen geen
brieven.

Demogegevens komen alleen in een lege opslag: bevat de opslag al klachten,
dan weigert demo en verandert niets. Gebruik een nieuwe datamap (--data).
`)
	fCount = Msg("number of complaints", "`aantal` klachten")
	fSeed  = Msg("seed of the random generator", "`beginwaarde` (seed) van de toevalsgenerator")

	hLetterRetry      = Msg("put failed letters back in the outbox queue", "mislukte brieven terugzetten in de verzendwachtrij")
	hLetterRetryUsage = Msg(`Usage: klachtdesk letter retry ID | --all-failed [--json]

Puts a failed letter (the number "klachtdesk show" prints beside it:
"klachtdesk letter retry 12"), or with --all-failed every failed letter,
back in the outbox queue, for instance once a misconfigured mail relay is
fixed or the complainant's address is corrected. The letter keeps its
Message-ID (a receiver that got it after all can tell the copy), its
attempts start again and it is given up only after another 72 hours. Its
complaint gets a letter_requeued event, and the register's letter_failed
flag goes. The letters leave with the next delivery: at once under serve,
else with "klachtdesk deliver". Administrators and handlers only.
`, `Gebruik: klachtdesk letter retry ID | --all-failed [--json]

Zet een mislukte brief (met het nummer dat "klachtdesk show" ernaast toont:
"klachtdesk letter retry 12"), of met --all-failed elke mislukte brief,
terug in de verzendwachtrij, bijvoorbeeld als een verkeerd ingestelde
mailrelay hersteld is of het adres van de klager verbeterd. De brief houdt
zijn Message-ID (een ontvanger die hem toch al kreeg, herkent de kopie), de
pogingen beginnen opnieuw en hij wordt pas na nog eens 72 uur opgegeven. De
klacht krijgt een gebeurtenis letter_requeued en het kenmerk letter_failed
verdwijnt uit het klachtenregister. De brieven gaan mee met de volgende
verzending: meteen onder serve, anders met "klachtdesk deliver". Alleen voor
beheerders en klachtbehandelaars.
`)
	fAllFailed   = Msg("every failed letter", "elke mislukte brief")
	fLetterJSON  = Msg("print each letter put back as a JSON object", "elke teruggezette brief als JSON-object tonen")
	fRetryJSON   = Msg("print the outcome as a JSON object", "de uitkomst als JSON-object tonen")
	fQuarLimit   = Msg("at most N mails (0: all)", "hoogstens `N` e-mails (0: alle)")
	fBatch       = Msg("mails per transaction (`N`, 1–1000)", "e-mails per transactie (`N`, 1–1000)")
	fOnceFetch   = Msg("check each mailbox once and exit", "elke mailbox één keer controleren en stoppen")
	fReconcile   = Msg("take the processed mail the store does not know (after a restore) and exit", "de verwerkte e-mail opnemen die de opslag niet kent (na het terugzetten van een back-up) en stoppen")
	fOnceDeliver = Msg("send what is due now and exit", "verzenden wat nu aan de beurt is en stoppen")
)

// import, fetch, deliver.
var (
	hImport      = Msg("register mail from .eml files, mbox files and Maildir folders", "e-mail registreren uit .eml-bestanden, mbox-bestanden en Maildir-mappen")
	hImportUsage = Msg(`Usage: klachtdesk import [--json] [--batch N] PATH...

Reads every mail in the PATHs (.eml files, mbox files, Maildir folders, and
folders holding these) and takes each as intake does: a new complaint with
its acknowledgement queued, a reply to a known complaint, an auto-reply or
bounce (recorded, no complaint, no letter), a duplicate of a mail taken
before, or rejected (kept in quarantine with the reason).

Every mail is durably stored before it is reported, so an interrupted
import can simply be run again: mails already taken are duplicates.

On a terminal a progress bar shows on standard error, and a summary follows
at the end. With --json, standard output has one line per mail:
`+importJSON+`Exit status 1 when a mail could not be read or stored.
`, `Gebruik: klachtdesk import [--json] [--batch N] PATH...

Leest elke e-mail in de PATHs (.eml-bestanden, mbox-bestanden, Maildir-mappen
en mappen waarin die staan) en neemt elke e-mail op zoals de intake dat doet:
een nieuwe klacht met haar ontvangstbevestiging in de verzendwachtrij, een
antwoord op een bekende klacht, een automatisch antwoord of een
onbestelbaarheidsmelding (vastgelegd, geen klacht, geen brief), een dubbele
van een eerder opgenomen e-mail, of geweigerd (bewaard in quarantaine met de
reden).

Elke e-mail wordt duurzaam opgeslagen voordat hij gemeld wordt, dus een
onderbroken import kan gewoon opnieuw draaien: al opgenomen e-mails zijn dan
dubbel.

Op een terminal staat een voortgangsbalk op standaardfout, met aan het eind
een samenvatting. Met --json heeft standaarduitvoer één regel per e-mail:
`+importJSON+`Afsluitstatus 1 als een e-mail niet gelezen of opgeslagen kon worden.
`)

	hFetch      = Msg("take the mail of the configured IMAP mailboxes", "de e-mail van de ingestelde IMAP-mailboxen opnemen")
	hFetchUsage = Msg(`Usage: klachtdesk fetch --mail-config FILE [--once | --reconcile] [--json]

Reads the IMAP mailboxes of the mail configuration, as serve does in the
background: every mail is taken (and durably stored) before it is moved to
the processed folder. With --once it checks each mailbox once and exits;
without, it waits for new mail (IDLE, or polling) until stopped.
With --json it prints one line per mail, as import does.

After restoring a backup, run it with --reconcile: it reads the processed
folder of each mailbox (with "processed_folder": "-", the flagged mails of
the folder itself), takes every mail the restored store does not know, once,
leaves it where it is, and exits. Running it again takes nothing twice.
`, `Gebruik: klachtdesk fetch --mail-config FILE [--once | --reconcile] [--json]

Leest de IMAP-mailboxen van de e-mailconfiguratie, zoals serve op de
achtergrond doet: elke e-mail wordt opgenomen (en duurzaam opgeslagen)
voordat hij naar de map voor verwerkte e-mail gaat. Met --once controleert
het elke mailbox één keer en stopt; zonder wacht het op nieuwe e-mail (IDLE,
of periodiek kijken) tot het gestopt wordt. Met --json toont het één regel
per e-mail, zoals import.

Draai het na het terugzetten van een back-up met --reconcile: het leest de
map voor verwerkte e-mail van elke mailbox (met "processed_folder": "-", de
gemarkeerde e-mails van de map zelf), neemt elke e-mail die de teruggezette
opslag niet kent één keer op, laat hem staan waar hij staat, en stopt.
Opnieuw draaien neemt niets twee keer op.
`)

	hDeliver      = Msg("send the letters waiting in the outbox", "de brieven in de verzendwachtrij verzenden")
	hDeliverUsage = Msg(`Usage: klachtdesk deliver --mail-config FILE [--once]

Delivers the letters in the outbox over the configured SMTP server, as
serve does in the background. A temporary failure is retried with growing
pauses; a permanent one is recorded on the complaint. With --once it sends
what is due now and exits.
`, `Gebruik: klachtdesk deliver --mail-config FILE [--once]

Verzendt de brieven in de verzendwachtrij via de ingestelde SMTP-server,
zoals serve op de achtergrond doet. Een tijdelijke fout wordt opnieuw
geprobeerd met steeds langere pauzes; een blijvende fout wordt bij de klacht
vastgelegd. Met --once verzendt het wat nu aan de beurt is en stopt.
`)
)

// importJSON is the shape of a line of "import --json", the same in both
// languages.
const importJSON = `  {"source":"PATH[#N]","outcome":"new|reply|auto_reply|bounce|duplicate|rejected|error","reference":"KL-…","reason":"…"}
`

// message accept, message split, quarantine list, show and retry.
var (
	hMessageAccept      = Msg("accept a reply from an unverified sender as part of its complaint", "een antwoord van een niet-gecontroleerde afzender aanvaarden als deel van de klacht")
	hMessageAcceptUsage = Msg(`Usage: klachtdesk message accept ID

A mail that carries a complaint's reference in its subject but comes from
another address than the complainant's is added to the complaint marked
"unverified sender". After checking it, accept it (the mark goes, an event
records who accepted it) or split it off with "message split".
`, `Gebruik: klachtdesk message accept ID

Een e-mail met het kenmerk van een klacht in het onderwerp, maar van een
ander adres dan dat van de klager, wordt aan de klacht toegevoegd met de
markering "afzender niet gecontroleerd". Aanvaard hem na controle (de
markering verdwijnt, een gebeurtenis legt vast wie hem aanvaardde) of splits
hem af met "message split".
`)
	hMessageSplit      = Msg("move a received message into a new complaint of its own", "een ontvangen bericht verplaatsen naar een eigen, nieuwe klacht")
	hMessageSplitUsage = Msg(`Usage: klachtdesk message split ID

Moves a received message off its complaint into a new complaint, with its
sender as complainant and its text as the description, and queues the
acknowledgement. Both complaints record the move. Use it for a mail that
quoted another complaint's reference, or was threaded to the wrong one.
`, `Gebruik: klachtdesk message split ID

Verplaatst een ontvangen bericht van zijn klacht naar een nieuwe klacht, met
de afzender als klager en de tekst als omschrijving, en zet de
ontvangstbevestiging in de verzendwachtrij. Beide klachten leggen de
verplaatsing vast. Gebruik het voor een e-mail die het kenmerk van een
andere klacht aanhaalde, of aan de verkeerde klacht gekoppeld werd.
`)
	hQuarantineList      = Msg("print the mails intake refused or could not process, newest first", "de e-mails tonen die de intake weigerde of niet kon verwerken, nieuwste eerst")
	hQuarantineListUsage = Msg(`Usage: klachtdesk quarantine list [--limit N] [--json]

Prints the mails in quarantine, newest first: mails intake refused (our own
address, no sender, …) and mails it could not process. Each kept its reason
and its raw bytes, which "quarantine show" prints. Nothing in quarantine
blocks the mails behind it; a mail is in it once, however often its source
offers it again. --json prints one JSON object per line. Administrators only.
`, `Gebruik: klachtdesk quarantine list [--limit N] [--json]

Toont de e-mails in quarantaine, nieuwste eerst: e-mails die de intake
weigerde (ons eigen adres, geen afzender, …) en e-mails die ze niet kon
verwerken. Elke e-mail bewaart de reden en de ruwe bytes, die "quarantine
show" toont. Niets in quarantaine houdt de e-mails erachter tegen; een
e-mail staat er één keer in, hoe vaak de bron hem ook opnieuw aanbiedt.
--json toont één JSON-object per regel. Alleen voor beheerders.
`)
	hQuarantineShow      = Msg("print the raw bytes of a mail in quarantine", "de ruwe bytes van een e-mail in quarantaine tonen")
	hQuarantineShowUsage = Msg(`Usage: klachtdesk quarantine show ID > mail.eml

Writes the mail as it arrived (the number "quarantine list" prints) to
standard output, to inspect it or to import it again elsewhere once the cause
is fixed. Administrators only.
`, `Gebruik: klachtdesk quarantine show ID > mail.eml

Schrijft de e-mail zoals hij binnenkwam (met het nummer dat "quarantine list"
toont) naar standaarduitvoer, om hem te bekijken of elders opnieuw te
importeren als de oorzaak verholpen is. Alleen voor beheerders.
`)
	hQuarantineRetry      = Msg("take a mail out of quarantine and through intake again", "een e-mail uit quarantaine halen en opnieuw door de intake sturen")
	hQuarantineRetryUsage = Msg(`Usage: klachtdesk quarantine retry ID [--json]

Takes a quarantined mail (the number "quarantine list" prints) through
intake again, as it would be taken now: after an upgrade, or once whatever
made it fail is fixed. It keeps its source and its arrival, so its clock
runs from when it came in. In one transaction it leaves the quarantine and
gets its new outcome (a new complaint with its acknowledgement, a reply, …);
a mail refused again is back in quarantine with the new reason. Prints the
outcome as import does. Administrators only.
`, `Gebruik: klachtdesk quarantine retry ID [--json]

Stuurt een e-mail in quarantaine (met het nummer dat "quarantine list" toont)
opnieuw door de intake, zoals die hem nu zou opnemen: na een upgrade, of als
verholpen is waardoor het misging. De e-mail houdt zijn bron en zijn
binnenkomst, dus de termijnen lopen vanaf het moment dat hij binnenkwam. In
één transactie verlaat hij de quarantaine en krijgt hij zijn nieuwe uitkomst
(een nieuwe klacht met ontvangstbevestiging, een antwoord, …); een opnieuw
geweigerde e-mail staat weer in quarantaine met de nieuwe reden. Toont de
uitkomst zoals import. Alleen voor beheerders.
`)
)

// serve, settings get and set.
var (
	hServe      = Msg("run the web server", "de webserver draaien")
	hServeUsage = Msg(`Usage: klachtdesk serve [flags]

Creates the data folder when missing, opens the database (running any
pending migration) and serves Klachtdesk over HTTP until SIGINT or SIGTERM,
then finishes the requests in flight and stops.

On the very first start, with no users yet, it creates the user "admin" with
a random password and prints the address, user name and password once.

Endpoints: / (start page), /healthz (liveness), /readyz (database answers),
/metrics (Prometheus).

With --mail-config FILE it also takes the mail of the configured IMAP
mailboxes (IDLE, or polling) and delivers the outbox over the configured SMTP
server, in the background; see docs/mail.md.
`, `Gebruik: klachtdesk serve [opties]

Maakt de datamap aan als die ontbreekt, opent de database (en voert
openstaande migraties uit) en biedt Klachtdesk aan over HTTP tot SIGINT of
SIGTERM; maakt dan de lopende verzoeken af en stopt.

Bij de allereerste start, als er nog geen gebruikers zijn, maakt het de
gebruiker "admin" aan met een willekeurig wachtwoord en toont het adres, de
gebruikersnaam en het wachtwoord één keer.

Eindpunten: / (startpagina), /healthz (leeft het proces), /readyz (antwoordt
de database), /metrics (Prometheus).

Met --mail-config FILE neemt het ook de e-mail van de ingestelde
IMAP-mailboxen op (IDLE, of periodiek kijken) en verzendt het de
verzendwachtrij via de ingestelde SMTP-server, op de achtergrond; zie
docs/mail.md.
`)
	hSettingsGet      = Msg("print one setting, or all of them", "één instelling tonen, of alle")
	hSettingsGetUsage = Msg(`Usage: klachtdesk settings get [KEY]

Prints the value of the setting KEY, or every setting as "key = value" lines
when KEY is absent.
`, `Gebruik: klachtdesk settings get [KEY]

Toont de waarde van de instelling KEY, of zonder KEY elke instelling als
regels "sleutel = waarde".
`)
	hSettingsSet      = Msg("change one setting", "één instelling wijzigen")
	hSettingsSetUsage = Msg(`Usage: klachtdesk settings set KEY VALUE

Changes one setting. The change is recorded in the audit trail and never
moves a deadline already computed. "klachtdesk settings get" lists the keys.
`, `Gebruik: klachtdesk settings set KEY VALUE

Wijzigt één instelling. De wijziging komt in de audittrail en verschuift
nooit een termijn die al berekend is. "klachtdesk settings get" toont de
sleutels.
`)
)

// user add, list and passwd.
var (
	hUserAdd      = Msg("create a staff user", "een gebruiker (medewerker) aanmaken")
	hUserAddUsage = Msg(`Usage: klachtdesk user add USERNAME --role admin|handler|viewer [--name "Full Name"] [--email ADDRESS] [--password-file FILE]

Creates a staff user. Roles: admin (everything, including users and
settings), handler (handles and decides complaints), viewer (reads only).

`+passwordSourcesEN, `Gebruik: klachtdesk user add USERNAME --role admin|handler|viewer [--name "Volledige Naam"] [--email ADDRESS] [--password-file FILE]

Maakt een gebruiker (medewerker) aan. Rollen: admin (beheerder: alles, ook
gebruikers en instellingen), handler (klachtbehandelaar: behandelt klachten
en beslist erover), viewer (alleen lezen).

`+passwordSourcesNL)
	fRole      = Msg("`role`: admin, handler or viewer (required)", "`rol`: admin, handler of viewer (verplicht)")
	fUserName  = Msg("full `name`", "volledige `naam`")
	fUserEmail = Msg("e-mail `address`", "e-mail`adres`")

	hUserList      = Msg("list the staff users", "de gebruikers (medewerkers) opsommen")
	hUserListUsage = Msg(`Usage: klachtdesk user list [flags]

Lists every staff user as a table: user name, role, whether active, name,
e-mail address and creation date.
`, `Gebruik: klachtdesk user list [opties]

Toont elke gebruiker in een tabel: gebruikersnaam, rol, of die actief is,
naam, e-mailadres en datum van aanmaken.
`)
	hUserPasswd      = Msg("set a staff user's password", "het wachtwoord van een gebruiker instellen")
	hUserPasswdUsage = Msg(`Usage: klachtdesk user passwd USERNAME [--password-file FILE]

Replaces the password of a staff user.

`+passwordSourcesEN, `Gebruik: klachtdesk user passwd USERNAME [--password-file FILE]

Vervangt het wachtwoord van een gebruiker.

`+passwordSourcesNL)
)

// passwordSourcesEN and passwordSourcesNL are the help text shared by the
// commands that set a password.
const (
	passwordSourcesEN = `The password comes from --password-file (its first line), or else from
standard input when that is not a terminal (its first line), or else it is
generated (20 characters) and printed once. A password has at least 12
characters.
`
	passwordSourcesNL = `Het wachtwoord komt uit --password-file (de eerste regel), anders van
standaardinvoer als die geen terminal is (de eerste regel), en anders wordt
het gemaakt (20 tekens) en één keer getoond. Een wachtwoord heeft minstens
12 tekens.
`
)

// tr returns text t, which takes no arguments, in the command line's
// language.
func (a *App) tr(t *Text) string { return t.In(a.lang()) }
