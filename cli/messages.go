package cli

// The command line's own texts, English and Dutch, in the words of the
// glossary (../shared/GLOSSARY.md). Domain messages (klachtdesk.Error) are
// printed as the root package words them; the help texts are in help.go.

// The command line.
var (
	mNoCommand      = Msg("no command given (run 'klachtdesk -h' for the list of commands)", "geen opdracht gegeven ('klachtdesk -h' toont de opdrachten)")
	mNeedsSub       = Msg("%s needs a sub-command: %s (run 'klachtdesk %s -h')", "%s heeft een subopdracht nodig: %s ('klachtdesk %s -h' toont ze)")
	mUnknownCommand = Msg("unknown command %q (run 'klachtdesk -h' for the list of commands)", "onbekende opdracht %q ('klachtdesk -h' toont de opdrachten)")
	mBadFlags       = Msg("%s: %s (run 'klachtdesk %s -h' for usage)", "%s: %s ('klachtdesk %s -h' toont het gebruik)")
	mUnknownFlag    = Msg("flag provided but not defined: %s", "onbekende optie: %s")
	mFlagNeedsValue = Msg("flag needs an argument: %s", "optie %s heeft een waarde nodig")
	mNoArguments    = Msg("%s takes no arguments, got %q (run 'klachtdesk %s -h' for usage)", "%s neemt geen argumenten, maar kreeg %q ('klachtdesk %s -h' toont het gebruik)")
	mNeedsArg       = Msg("%s needs %s (run 'klachtdesk %s -h' for usage)", "%s heeft %s nodig ('klachtdesk %s -h' toont het gebruik)")
	mOneArg         = Msg("%s takes one %s, got %d arguments (run 'klachtdesk %s -h' for usage)", "%s neemt één %s, maar kreeg %d argumenten ('klachtdesk %s -h' toont het gebruik)")
	mReadSettings   = Msg("read settings: %w", "instellingen lezen: %w")
)

// Users.
var (
	mNeedsRole       = Msg("user add needs --role admin, handler or viewer", "user add heeft --role admin, handler of viewer nodig")
	mCreateUser      = Msg("create user %s: %w", "gebruiker %s aanmaken: %w")
	mCreatedUser     = Msg("created user %s (%s)\n", "gebruiker %s (%s) aangemaakt\n")
	mNewPassword     = Msg("password: %s\n(save it now: it is not shown again)\n", "wachtwoord: %s\n(bewaar het nu: het wordt niet opnieuw getoond)\n")
	mListUsers       = Msg("list users: %w", "gebruikers opvragen: %w")
	mUsersHeader     = Msg("USERNAME\tROLE\tACTIVE\tNAME\tEMAIL\tCREATED", "GEBRUIKERSNAAM\tROL\tACTIEF\tNAAM\tE-MAIL\tAANGEMAAKT")
	mYes             = Msg("yes", "ja")
	mNo              = Msg("no", "nee")
	mFindUser        = Msg("find user %s: %w", "gebruiker %s zoeken: %w")
	mSetPassword     = Msg("set password of %s: %w", "wachtwoord van %s instellen: %w")
	mPasswordChanged = Msg("password of %s changed\n", "wachtwoord van %s gewijzigd\n")
	mReadPassword    = Msg("read password file: %w", "wachtwoordbestand lezen: %w")
	mEmptyPassword   = Msg("password file %s is empty", "wachtwoordbestand %s is leeg")
	mReadPasswordIn  = Msg("read password from standard input: %w", "wachtwoord van standaardinvoer lezen: %w")
)

// Settings, audit trail, schema.
var (
	mSettingsGetArgs = Msg("settings get takes at most one KEY, got %d arguments", "settings get neemt hoogstens één KEY, maar kreeg %d argumenten")
	mSettingsSetArgs = Msg("settings set needs KEY and VALUE, got %d arguments", "settings set heeft KEY en VALUE nodig, maar kreeg %d argumenten")
	mSetSetting      = Msg("set %s: %w", "%s instellen: %w")
	mSettingRefused  = Msg("setting %s: %s", "instelling %s: %s")
	mReadSchema      = Msg("read schema version: %w", "schemaversie lezen: %w")
	mSchemaVersion   = Msg("schema version %d\n", "schemaversie %d\n")
	mVerifyAudit     = Msg("verify audit trail: %w", "audittrail controleren: %w")
	mAuditBroken     = Msg("audit trail BROKEN at event %d: %s\n", "audittrail GEBROKEN bij gebeurtenis %d: %s\n")
	mAnchorMismatch  = Msg("audit trail BROKEN at event %d: it does not match the recorded anchor: the trail was rewritten\n",
		"audittrail GEBROKEN bij gebeurtenis %d: die klopt niet met het vastgelegde anker: de audittrail is herschreven\n")
	mAuditIntact = Msg("audit trail intact: %d events\n", "audittrail intact: %d gebeurtenissen\n")
	mAnchor      = Msg("anchor: %s\n", "anker: %s\n")
)

// complaint add.
var (
	mFlagsAndJSON     = Msg("complaint add: give the complaint as flags or as JSON on standard input, not both", "complaint add: geef de klacht als opties of als JSON op standaardinvoer, niet allebei")
	mNoComplaint      = Msg("complaint add: give the complaint as flags or as JSON on standard input (run 'klachtdesk complaint add -h')", "complaint add: geef de klacht als opties of als JSON op standaardinvoer ('klachtdesk complaint add -h' toont hoe)")
	mConcerned        = Msg("concerned employee %s: %w", "betrokken medewerker %s: %w")
	mRegister         = Msg("register complaint: %w", "klacht registreren: %w")
	mRegistrationNote = Msg("warning: %s: %s\n", "waarschuwing: %s: %s\n")
	mAddArgs          = Msg("complaint add takes no arguments but \"-\", got %q (run 'klachtdesk complaint add -h')", "complaint add neemt geen argumenten behalve \"-\", maar kreeg %q ('klachtdesk complaint add -h' toont het gebruik)")
	mConsumerAndBiz   = Msg("complaint add: give --consumer or --business, not both", "complaint add: geef --consumer of --business, niet allebei")
	mNoCustomerType   = Msg("complaint add: say whether the complainant is a consumer or a business (--consumer or --business)", "complaint add: zeg of de klager een consument of een zakelijke klant is (--consumer of --business)")
	mBadReceived      = Msg("%s %q is neither an RFC 3339 instant (2026-11-20T10:15:00+01:00) nor a date (2026-11-20)", "%s %q is geen RFC 3339-tijdstip (2026-11-20T10:15:00+01:00) en geen datum (2026-11-20)")
	mJSONConcerned    = Msg("complaint add: with JSON, give concerned_employees as user IDs in the object", "complaint add: geef bij JSON de betrokken medewerkers als gebruikersnummers in concerned_employees")
	mReadJSON         = Msg("read the complaint from standard input: %w", "de klacht van standaardinvoer lezen: %w")
	mJSONTooLarge     = Msg("the complaint on standard input is too large: more than %d MiB (the limit is %d MiB)", "de klacht op standaardinvoer is te groot: meer dan %d MiB (de grens is %d MiB)")
	mJSONEmpty        = Msg("no complaint on standard input: expected a JSON object (run 'klachtdesk complaint add -h' for its shape)", "geen klacht op standaardinvoer: verwacht een JSON-object ('klachtdesk complaint add -h' toont de vorm)")
	mJSONInvalid      = Msg("the complaint on standard input is not valid JSON: %s", "de klacht op standaardinvoer is geen geldige JSON: %s")
	mJSONTwo          = Msg("standard input holds more than one JSON value: give one complaint object", "standaardinvoer bevat meer dan één JSON-waarde: geef één klachtobject")
	mJSONDiscovered   = Msg("discovered: %s", "discovered (datum van ontdekking): %s")
	mJSONDateText     = Msg("field %s must be %s as text, such as \"2026-11-20\", not %s", "veld %s moet %s als tekst zijn, zoals \"2026-11-20\", niet %s")
	mInstantOrDate    = Msg("an RFC 3339 instant or a date", "een RFC 3339-tijdstip of een datum")
	mADate            = Msg("a date", "een datum")
	mJSONField        = Msg("field %s must be %s, not a JSON %s", "veld %s moet %s zijn, geen JSON-%s")
	mJSONNotObject    = Msg("expected a JSON object, not a JSON %s", "verwacht een JSON-object, geen JSON-%s")
	mJSONAt           = Msg("%s (line %d, column %d)", "%s (regel %d, kolom %d)")
	mJSONCutOff       = Msg("the object ends before its closing brace", "het object houdt op voor de sluitende accolade")
	mKindText         = Msg("text (a JSON string)", "tekst (een JSON-string)")
	mKindNumber       = Msg("a whole number", "een geheel getal")
	mKindBool         = Msg("true or false", "true of false")
	mKindList         = Msg("a list", "een lijst")
	mKindObject       = Msg("an object", "een object")
	mKindOther        = Msg("a %s", "een %s")
)

// complaint list.
var (
	mLimit          = Msg("--limit must be 0 or more", "--limit moet 0 of meer zijn")
	mOpenClosed     = Msg("--open and --closed exclude each other", "--open en --closed sluiten elkaar uit")
	mBadState       = Msg("--state must be one of %s, not %q", "--state moet een van %s zijn, niet %q")
	mRegisterHeader = Msg("REFERENCE\tRECEIVED\tSTATE\tKIND\tROUTE\tDUE\tFLAGS\tCOMPLAINANT", "KENMERK\tONTVANGEN\tSTATUS\tSOORT\tROUTE\tUITERLIJK\tKENMERKEN\tKLAGER")
	mRegisterCut    = Msg("(%d of %d complaints; --limit 0 shows all)\n", "(%d van %d klachten; --limit 0 toont alle)\n")
)

// show.
var (
	mFindComplaint  = Msg("find complaint %s: %w", "klacht %s zoeken: %w")
	mReadEvents     = Msg("read events of %s: %w", "gebeurtenissen van %s lezen: %w")
	mReadMessages   = Msg("read messages of %s: %w", "berichten van %s lezen: %w")
	mUserN          = Msg("user %d", "gebruiker %d")
	mReference      = Msg("Reference:", "Kenmerk:")
	mState          = Msg("State:", "Status:")
	mFlags          = Msg("Flags:", "Kenmerken:")
	mRoute          = Msg("Route:", "Route:")
	mChannel        = Msg("Channel:", "Kanaal:")
	mChannelValue   = Msg("%s, received %s (receipt date %s)", "%s, ontvangen %s (datum van ontvangst %s)")
	mComplainant    = Msg("Complainant:", "Klager:")
	mUndeliverable  = Msg("Undeliverable:", "Onbestelbaar:")
	mUndeliverableV = Msg("UNDELIVERABLE since %s: %s", "ONBESTELBAAR sinds %s: %s")
	mAddress        = Msg("Address:", "Adres:")
	mPhone          = Msg("Phone:", "Telefoon:")
	mCustomerNumber = Msg("Customer no.:", "Klantnummer:")
	mKind           = Msg("Kind:", "Soort:")
	mKindValue      = Msg("%s / %s (customer type %s, severity %s)", "%s / %s (soort klant %s, ernst %s)")
	mProduct        = Msg("Product:", "Product:")
	mProductValue   = Msg("%s (discovered %s)", "%s (ontdekt op %s)")
	mHandler        = Msg("Handler:", "Klachtbehandelaar:")
	mReviewer       = Msg("Reviewer:", "Beoordelaar:")
	mConcernedLabel = Msg("Concerned:", "Betrokken:")
	mFinding        = Msg("Finding:", "Oordeel:")
	mSettlement     = Msg("Settlement:", "Afwikkeling:")
	mExtension      = Msg("Extension:", "Verlenging:")
	mWithConsent    = Msg(" (with the complainant's consent)", " (met instemming van de klager)")
	mMediator       = Msg("Mediator:", "Bemiddelaar:")
	mSubject        = Msg("Subject:", "Onderwerp:")
	mRemedy         = Msg("Remedy sought: %s\n", "Gevraagde oplossing: %s\n")
	mExtended       = Msg("extended", "verlengd")
	mEscalated      = Msg("escalated", "geëscaleerd")
	mLateNoticeFlag = Msg("late notice", "te late klacht")
	mWarning        = Msg("Warning:", "Waarschuwing:")
	mLegalHold      = Msg("legal hold", "bewaarplicht")
	mOverdue        = Msg("OVERDUE", "TERMIJN OVERSCHREDEN")
	mDeadlines      = Msg("Deadlines:", "Termijnen:")
	mNoRule         = Msg("(no rule version)", "(geen regelversie)")
	mRule           = Msg("rule %s", "regel %s")
	mEvents         = Msg("Events (%s):", "Gebeurtenissen (%s):")
	mRegistered     = Msg("(registered)", "(geregistreerd)")
	mMessages       = Msg("Messages:", "Berichten:")
	mUnverified     = Msg("UNVERIFIED SENDER: klachtdesk message accept|split %d", "AFZENDER NIET GECONTROLEERD: klachtdesk message accept|split %d")
	mLetterState    = Msg("letter %s", "brief %s")
	mTo             = Msg("to %s", "aan %s")
	mAttachments    = Msg("attachments: %s", "bijlagen: %s")
)

// deadlineLabels name the deadlines of show, in the order of
// deadlineNames; in English the names of the JSON form.
var deadlineLabels = map[string]*Text{
	"ack_due":         Msg("ack_due", "ontvangstbevestiging uiterlijk"),
	"answer_due":      Msg("answer_due", "uiterste antwoorddatum"),
	"act_by":          Msg("act_by", "interne streefdatum"),
	"promised_date":   Msg("promised_date", "toegezegde datum"),
	"reaction_due":    Msg("reaction_due", "reactie uiterlijk"),
	"retention_until": Msg("retention_until", "bewaren tot"),
}

// Mail: import, fetch, deliver, quarantine, messages.
var (
	mImportNeedsPath = Msg("import needs at least one PATH", "import heeft minstens één PATH nodig")
	mBatch           = Msg("--batch must be 1–1000, not %d", "--batch moet 1–1000 zijn, niet %d")
	mCannotRead      = Msg("cannot read %s: %w", "kan %s niet lezen: %w")
	mImportStopped   = Msg("import stopped: %w", "import gestopt: %w")
	mMailSummary     = Msg("%d mails processed: %s", "%d e-mails verwerkt: %s")
	mProgress        = Msg("new %d  reply %d  dup %d  err %d", "nieuw %d  reactie %d  dubbel %d  fout %d")
	mNoMailbox       = Msg("fetch needs --mail-config naming at least one IMAP mailbox", "fetch heeft --mail-config nodig met minstens één IMAP-mailbox")
	mNoSMTP          = Msg("deliver needs --mail-config with an smtp server", "deliver heeft --mail-config nodig met een smtp-server")
	mDelivered       = Msg("sent %d, retry later %d, failed %d\n", "verzonden %d, later opnieuw %d, mislukt %d\n")
	mGiveNumber      = Msg("give one %s number (as %s prints it: #12)", "geef één %snummer (zoals %s het toont: #12)")
	mNotNumber       = Msg("%q is not a %s number", "%q is geen %snummer")
	mWhatMessage     = Msg("message", "bericht")
	mWhatQuarantine  = Msg("quarantine", "quarantaine")
	mAccepted        = Msg("message #%d accepted\n", "bericht #%d geaccepteerd\n")
	mNoQuarantine    = Msg("no mails in quarantine\n", "geen e-mails in quarantaine\n")
	mQuarantineHead  = Msg("ID\tTAKEN\tOUTCOME\tFROM\tSUBJECT\tREASON", "ID\tONTVANGEN\tUITKOMST\tVAN\tONDERWERP\tREDEN")
)

// outcomeLabels name the outcomes of intake in summaries; in English the
// codes of the JSON form.
var outcomeLabels = map[string]*Text{
	"new":        Msg("new", "nieuw"),
	"reply":      Msg("reply", "reactie"),
	"auto_reply": Msg("auto_reply", "automatisch antwoord"),
	"bounce":     Msg("bounce", "onbestelbaar-melding"),
	"duplicate":  Msg("duplicate", "dubbel"),
	"rejected":   Msg("rejected", "geweigerd"),
	"error":      Msg("error", "fout"),
}

// serve: the first administrator.
var (
	mCountUsers   = Msg("count users: %w", "gebruikers tellen: %w")
	mCreateAdmin  = Msg("create the first administrator: %w", "de eerste beheerder aanmaken: %w")
	mWhereURL     = Msg("URL:        %s", "Adres:      %s")
	mWhereStart   = Msg("Start:      klachtdesk serve --data %s", "Starten:    klachtdesk serve --data %s")
	mFirstStart   = Msg("Klachtdesk has started for the first time.", "Klachtdesk is voor het eerst gestart.")
	mBannerUser   = Msg("User:       %s", "Gebruiker:  %s")
	mBannerPass   = Msg("Password:   %s", "Wachtwoord: %s")
	mSavePassword = Msg("Save this password now: it is not shown again.\n Change it with: klachtdesk user passwd %s",
		"Bewaar dit wachtwoord nu: het wordt niet opnieuw getoond.\n Wijzig het met: klachtdesk user passwd %s")
)

// Messages of cmd/klachtdesk: the configuration, the data folder, the
// database, listening, the mail configuration.
var (
	MsgInternal    = Msg("internal error: %v", "interne fout: %v")
	MsgLogFormat   = Msg("log format must be text or json, not %q", "het logformaat moet text of json zijn, niet %q")
	MsgDBMaxConns  = Msg("--db-max-conns must be 0 (the default) or more, not %d", "--db-max-conns moet 0 (de standaard) of meer zijn, niet %d")
	MsgLanguage    = Msg("KLACHTDESK_LANG must be nl or en, not %q", "KLACHTDESK_LANG moet nl of en zijn, niet %q")
	MsgSecretTwice = Msg("set %s or %s_FILE, not both", "zet %s of %s_FILE, niet allebei")
	MsgOpenDB      = Msg("cannot open the database: %w", "kan de database niet openen: %w")
	MsgCloseDB     = Msg("close database: %w", "database sluiten: %w")
	mNoDataDir     = Msg("no data folder given (--data or KLACHTDESK_DATA)", "geen datamap opgegeven (--data of KLACHTDESK_DATA)")
	mDataDirFile   = Msg("data folder %s is a file, not a folder", "datamap %s is een bestand, geen map")
	mDataDirAbsent = Msg("data folder %s does not exist (run 'klachtdesk serve' or 'klachtdesk migrate' first, or give --data)",
		"datamap %s bestaat niet (start eerst 'klachtdesk serve' of 'klachtdesk migrate', of geef --data)")
	mDataDirCreate = Msg("cannot create data folder %s: %w", "kan datamap %s niet aanmaken: %w")
	mDataDir       = Msg("data folder %s: %w", "datamap %s: %w")
	mDataDirRO     = Msg("data folder %s is not writable: %w", "datamap %s is niet beschrijfbaar: %w")
	MsgAddrInUse   = Msg("cannot listen on %s: the address is already in use (is klachtdesk already running? choose another with --addr)",
		"kan niet luisteren op %s: het adres is al in gebruik (draait klachtdesk al? kies een ander met --addr)")
	MsgListen       = Msg("cannot listen on %s: %w", "kan niet luisteren op %s: %w")
	MsgServeHTTP    = Msg("serve HTTP on %s: %w", "HTTP op %s: %w")
	MsgMailConfig   = Msg("mail configuration %s: %w", "e-mailconfiguratie %s: %w")
	MsgSMTPPassword = Msg("smtp: give password or password_file, not both", "smtp: geef password of password_file, niet allebei")
	MsgSMTPPassFile = Msg("smtp password file: %w", "smtp-wachtwoordbestand: %w")
)

// demo.
var (
	mDemoCount       = Msg("demo: --count must be from 1 to %d, not %d", "demo: --count moet van 1 tot en met %d zijn, niet %d")
	mCountComplaints = Msg("count complaints: %w", "klachten tellen: %w")
	mDemoNotEmpty    = Msg("the store in %s already holds %d complaints: demo data goes into an empty store only (use a new --data folder)",
		"de opslag in %s bevat al %d klachten: demogegevens gaan alleen in een lege opslag (gebruik een nieuwe --data-map)")
	mDemoMade      = Msg("demo: registered %d complaints (seed %d)\n\n", "demo: %d klachten geregistreerd (seed %d)\n\n")
	mDemoStates    = Msg("STATE\tCOMPLAINTS", "STATUS\tKLACHTEN")
	mDemoReasons   = Msg("CLOSE REASON (closed and anonymised)\tCOMPLAINTS", "REDEN VAN AFSLUITEN (afgesloten en geanonimiseerd)\tKLACHTEN")
	mDemoFlags     = Msg("\nflags: %d extended, %d escalated, %d overdue, %d legal hold, %d late notice\n", "\nkenmerken: %d verlengd, %d geëscaleerd, %d termijn overschreden, %d bewaarplicht, %d late melding\n")
	mDemoLanguages = Msg("languages: %d Dutch, %d English; %d business customers\n", "talen: %d Nederlands, %d Engels; %d zakelijke klanten\n")
	mDemoUsers     = Msg("demo users: %s\ndemo user password: %s\n", "demogebruikers: %s\nwachtwoord van de demogebruikers: %s\n")
)

// letter retry, and the letter's number in show.
var (
	mWhatLetter      = Msg("letter", "brief")
	mLetterIDOrAll   = Msg("give one letter number or --all-failed, not both", "geef één briefnummer of --all-failed, niet allebei")
	mNoFailedLetters = Msg("no failed letters\n", "geen mislukte brieven\n")
	mLetterRequeued  = Msg("letter %d (%s, %s) queued again; it had failed: %s\n", "brief %d (%s, %s) staat weer in de wachtrij; mislukt was: %s\n")
	mLetterRetryHint = Msg("to send it again: klachtdesk letter retry %d", "opnieuw versturen: klachtdesk letter retry %d")
)

// fetch --reconcile.
var (
	mReconciled = Msg("reconciled: %d mails of the processed folders were not in the store and are taken now\n",
		"bijgewerkt: %d e-mails uit de verwerkt-mappen stonden niet in de opslag en zijn nu opgenomen\n")
	mReconcileStopped = Msg("reconcile stopped after taking %d mails: %w (run it again: nothing is taken twice)",
		"bijwerken gestopt na %d opgenomen e-mails: %w (start het opnieuw: niets wordt twee keer opgenomen)")
)

// audit verify: the anchor log outside the database and the stored files
// (issue 11).
var (
	mReadAnchor = Msg("read the anchor log: %w", "ankerlog lezen: %w")
	mAnchorLost = Msg("audit trail BROKEN: it lost its tail: event %d of the anchor recorded %s is gone (an older backup restored, a cut write-ahead log?); "+
		"restore the newest backup and take the mail again as README, Operations, Restore describes, then run audit verify --accept-restore\n",
		"audittrail GEBROKEN: het einde ontbreekt: gebeurtenis %d van het anker van %s is verdwenen (een oudere back-up teruggezet, een afgekapt write-ahead-log?); "+
			"zet de nieuwste back-up terug en haal de mail opnieuw op zoals README, Operations, Restore beschrijft, en geef dan audit verify --accept-restore\n")
	mAnchorRewritten = Msg("audit trail BROKEN at event %d: it was rewritten after the anchor recorded %s: the event no longer has hash %.12s…\n",
		"audittrail GEBROKEN bij gebeurtenis %d: herschreven na het anker van %s: de gebeurtenis heeft niet meer hash %.12s…\n")
	mAnchorAccepted = Msg("restore accepted: the trail's head %s is recorded as the new anchor\n",
		"terugzetten aanvaard: de kop van de audittrail, %s, is vastgelegd als nieuw anker\n")
	mAnchorRecorded    = Msg("anchor recorded in %s\n", "anker vastgelegd in %s\n")
	mAnchorNotRecorded = Msg("anchor not recorded: %s\n", "anker niet vastgelegd: %s\n")
	mCheckStore        = Msg("check the stored files: %w", "opgeslagen bestanden controleren: %w")
	mStoreSound        = Msg("stored files intact: %d blobs, database file sound\n", "opgeslagen bestanden intact: %d blobs, databasebestand in orde\n")
	mDatabaseDamaged   = Msg("database file DAMAGED: %s\n", "databasebestand BESCHADIGD: %s\n")
	mBlobMissing       = Msg("MISSING", "ONTBREEKT")
	mBlobChanged       = Msg("CHANGED (its SHA-256 no longer matches)", "GEWIJZIGD (de SHA-256 klopt niet meer)")
	mBlobAttachment    = Msg("attachment %q of complaint %s (message %d): %s (blob %.12s…)\n", "bijlage %q van klacht %s (bericht %d): %s (blob %.12s…)\n")
	mBlobMessageRaw    = Msg("raw mail of message %d of complaint %s: %s (blob %.12s…)\n", "originele mail van bericht %d van klacht %s: %s (blob %.12s…)\n")
	mBlobInboundRaw    = Msg("raw mail of inbound mail %d (complaint %s): %s (blob %.12s…)\n", "originele mail van binnengekomen mail %d (klacht %s): %s (blob %.12s…)\n")
	mBlobUnreferenced  = Msg("stored blob no row refers to: %s (blob %.12s…)\n", "opgeslagen blob waar geen rij naar verwijst: %s (blob %.12s…)\n")
	mStoreBroken       = Msg("stored files DAMAGED: %d blobs missing or changed, %d database problems; restore them from the backup (README, Operations, Restore)\n",
		"opgeslagen bestanden BESCHADIGD: %d blobs ontbreken of gewijzigd, %d databaseproblemen; zet ze terug uit de back-up (README, Operations, Restore)\n")
)

// Opening the store: a data folder another serve owns, a damaged database
// (issue 11).
var (
	mDataDirOwned = Msg("data folder %s is in use by another klachtdesk serve (process %d): one serve owns a data folder; stop that one first (import and fetch do run beside it)",
		"datamap %s is in gebruik door een andere klachtdesk serve (proces %d): één serve beheert een datamap; stop die eerst (import en fetch werken er wel naast)")
	mDatabaseDamagedOpen = Msg("the database %s is damaged and is not opened for writing (%w); restore the newest backup as README, Operations, Restore describes",
		"de database %s is beschadigd en wordt niet geopend om te schrijven (%w); zet de nieuwste back-up terug zoals README, Operations, Restore beschrijft")
)
