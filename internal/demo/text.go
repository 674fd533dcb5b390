package demo

import "github.com/klachtdesk/klachtdesk"

// The fragments the demo builds complaints and decisions from. Placeholders
// in braces ({product}, {date}, …) are filled per complaint, so that the
// same fragment reads differently each time it is used.

// topic is what a complaint is about: the problem described in its text
// and the subject lines that fit it.
type topic struct {
	subjects []string
	problem  string
	product  string // the product the text is about, when only one fits
}

// fragments holds the fragments of one language.
type fragments struct {
	complaints map[string][]topic // by "kind/subtype"
	openers    []string
	impacts    []string
	remedies   map[klachtdesk.Kind][]string
	closings   []string

	questions       []string
	extensionWhy    []string
	motivations     map[klachtdesk.Finding][]string
	settlements     map[string][]string // by settlement type
	acceptedNotes   []string
	withdrawnNotes  []string
	reopenReasons   []string
	legalHoldWhy    []string
	externalOutcome []string
	informal        []string
}

var fragmentsIn = map[klachtdesk.Language]*fragments{
	klachtdesk.LanguageDutch:   dutchTexts,
	klachtdesk.LanguageEnglish: englishTexts,
}

var dutchTexts = &fragments{
	complaints: map[string][]topic{
		"service/reachability": {
			{subjects: []string{"Helpdesk onbereikbaar", "Telefonisch niet bereikbaar"}, problem: "Ik heb sinds {date} al {days} keer gebeld met uw helpdesk, maar ik hang elke keer meer dan een half uur in de wacht en word daarna afgebroken."},
			{subjects: []string{"Al dagen geen reactie op mijn ticket", "Ticket {ticket} blijft liggen"}, problem: "Mijn ticket {ticket} staat al {days} dagen open zonder enige reactie, terwijl ons netwerk op kantoor steeds uitvalt."},
			{subjects: []string{"Terugbelverzoek niet nagekomen", "Niet teruggebeld"}, problem: "Op {date} is mij beloofd dat ik dezelfde dag teruggebeld zou worden. Dat is niet gebeurd, ook niet na twee herinneringen per e-mail."},
			{subjects: []string{"Niemand neemt op bij de storingslijn", "Storingsdienst buiten kantooruren onbereikbaar"}, problem: "De storingslijn die op uw website staat wordt buiten kantooruren niet opgenomen, terwijl wij daarvoor een 24/7-contract hebben."},
		},
		"service/information": {
			{subjects: []string{"Onduidelijke factuur {invoice}", "Vraag over factuur {invoice}"}, problem: "Op factuur {invoice} staat een bedrag van € {amount} voor werkzaamheden waarvan mij niet is uitgelegd wat ze inhouden."},
			{subjects: []string{"Onjuist advies over migratie naar Microsoft 365", "Verkeerde informatie over mijn abonnement"}, problem: "Uw verkoper heeft mij verteld dat de migratie binnen het abonnement viel, maar nu krijg ik een aparte rekening van € {amount}."},
			{subjects: []string{"Tegenstrijdige informatie over de levertijd"}, problem: "Op uw website staat een levertijd van twee werkdagen, maar de medewerker aan de telefoon spreekt over zes weken."},
			{subjects: []string{"Geen uitleg over de prijsverhoging", "Abonnement zonder bericht duurder"}, problem: "Per {date} is mijn abonnement duurder geworden zonder dat ik daar vooraf een bericht over heb ontvangen."},
		},
		"service/communication": {
			{subjects: []string{"Afspraak zonder bericht verzet"}, problem: "De afspraak voor {date} is zonder bericht verzet; ik had daarvoor een vrije dag opgenomen."},
			{subjects: []string{"Geen terugkoppeling na onderhoud"}, problem: "Na het onderhoud aan onze server op {date} heb ik niets meer gehoord, terwijl er nog twee punten openstonden."},
			{subjects: []string{"Mails worden niet beantwoord", "Geen antwoord op mijn e-mails"}, problem: "Ik heb drie e-mails gestuurd over ticket {ticket} en geen enkele keer antwoord gekregen."},
			{subjects: []string{"Ticket {ticket} zonder overleg gesloten"}, problem: "Ons ticket {ticket} is gesloten met de melding dat het probleem is opgelost, maar het probleem bestaat nog steeds."},
		},
		"service/conduct": {
			{subjects: []string{"Onbeleefde behandeling door monteur", "Klacht over optreden monteur"}, problem: "De monteur die op {date} bij ons was, sprak mijn collega op een neerbuigende toon aan en weigerde uitleg te geven."},
			{subjects: []string{"Klacht over houding medewerker helpdesk", "Onprofessioneel telefoongesprek"}, problem: "De medewerker van de helpdesk verbrak de verbinding toen ik vroeg om een leidinggevende."},
			{subjects: []string{"Monteur liet rommel achter"}, problem: "Na de installatie op {date} lagen er verpakkingen en kabelresten door het hele kantoor."},
			{subjects: []string{"Medewerker kwam afspraak niet na", "Monteur niet verschenen"}, problem: "De medewerker beloofde op {date} langs te komen, maar is niet verschenen en heeft ook niet afgebeld."},
		},
		"service/other": {
			{subjects: []string{"Opzegging niet verwerkt"}, problem: "Mijn opzegging per {date} is niet verwerkt en er wordt nog steeds geïncasseerd."},
			{subjects: []string{"Ontevreden over de dienstverlening", "Klacht over de gang van zaken"}, problem: "Ik ben over de hele linie niet tevreden over hoe mijn vraag is afgehandeld."},
			{subjects: []string{"Facturen voor opgezegde dienst"}, problem: "Ik krijg nog steeds facturen voor een dienst die ik al maanden niet meer gebruik."},
		},
		"product/defect": {
			{subjects: []string{"{product} defect", "{product} start niet meer op"}, problem: "De {product} die ik op {date} heb gekocht, gaat sinds vorige week niet meer aan. De lampjes knipperen even en daarna gebeurt er niets."},
			{subjects: []string{"{product} valt steeds uit"}, problem: "Mijn {product} valt meerdere keren per dag uit, vooral als hij warm wordt."},
			{subjects: []string{"Beeldscherm van {product} vertoont strepen"}, problem: "Het beeld van de {product} vertoont verticale strepen en flikkert."},
			{subjects: []string{"{product} maakt vreemd geluid en wordt heet"}, problem: "Sinds een paar dagen maakt de {product} een ratelend geluid en wordt de onderkant erg heet."},
		},
		"product/delivery": {
			{subjects: []string{"Bestelling {order} niet geleverd", "Levertijd ruim overschreden"}, problem: "Bestelling {order} zou op {date} geleverd worden, maar ik heb nog niets ontvangen en de track-and-trace werkt niet."},
			{subjects: []string{"{product} beschadigd afgeleverd"}, problem: "De doos van de {product} was ingedeukt en het apparaat zelf heeft een barst in de behuizing."},
			{subjects: []string{"Verkeerd artikel ontvangen bij order {order}"}, problem: "Ik heb een {product} besteld, maar er zat een ander model in de doos."},
			{subjects: []string{"Levering {order} onvolledig"}, problem: "In de levering van order {order} ontbraken de voedingsadapter en de kabels."},
		},
		"product/warranty_repair": {
			{subjects: []string{"Garantiereparatie {product} duurt te lang"}, problem: "Ik heb de {product} op {date} voor garantiereparatie ingeleverd en heb na {days} dagen nog steeds niets gehoord."},
			{subjects: []string{"{product} na reparatie opnieuw kapot"}, problem: "Twee weken na de reparatie vertoont de {product} precies hetzelfde defect als daarvoor."},
			{subjects: []string{"Garantie geweigerd voor {product}"}, problem: "U weigert de garantie omdat er sprake zou zijn van vochtschade, maar de {product} is nooit nat geweest."},
			{subjects: []string{"Reparatie-RMA {ticket} zonder resultaat"}, problem: "Onder RMA-nummer {ticket} is mijn {product} al twee keer heen en weer gestuurd zonder dat het probleem is verholpen."},
		},
		"product/software": {
			{subjects: []string{"{product} werkt niet na update"}, problem: "Sinds de update van {date} synchroniseert de koppeling met {product} geen facturen meer en moeten wij alles met de hand invoeren.", product: "Exact Online-koppeling"},
			{subjects: []string{"Licentie {product} niet geactiveerd"}, problem: "De licentie voor {product} is betaald, maar de activering mislukt met een foutmelding."},
			{subjects: []string{"{product} rekent verkeerde btw"}, problem: "{product} rekent 21% btw over producten waarvoor 9% geldt; onze klanten klagen bij ons.", product: "ACT Shop webshopmodule"},
			{subjects: []string{"Back-ups met {product} mislukken", "{product} maakt geen back-ups meer"}, problem: "{product} meldt elke nacht dat de back-up is geslaagd, maar er staan sinds {date} geen nieuwe bestanden op de schijf.", product: "Veeam Backup Essentials"},
		},
		"product/other": {
			{subjects: []string{"Klacht over {product}", "Ontevreden over {product}"}, problem: "De {product} voldoet niet aan wat in de productomschrijving beloofd werd."},
			{subjects: []string{"Probleem met mijn aankoop"}, problem: "Ik heb een probleem met de {product} dat ik niet goed kan plaatsen, maar het werkt niet zoals het hoort."},
		},
	},
	openers: []string{
		"Geachte heer/mevrouw,", "Beste medewerkers van de klantenservice,", "Hallo,", "Goedemiddag,", "Geachte klachtenafdeling,",
	},
	impacts: []string{
		"Hierdoor kunnen wij al dagen niet normaal werken.",
		"Dit kost mij veel tijd en ergernis.",
		"Ik vind dit erg teleurstellend, zeker omdat ik al jaren klant ben.",
		"Voor ons als klein bedrijf is dit een groot probleem.",
		"Ik heb hier inmiddels meerdere uren aan kwijt.",
	},
	remedies: map[klachtdesk.Kind][]string{
		klachtdesk.KindService: {
			"Ik verwacht een excuus en een oplossing binnen een week.",
			"Graag een creditering van de kosten.",
			"Ik wil graag dat een leidinggevende contact met mij opneemt.",
			"Ik verwacht dat u de factuur aanpast.",
		},
		klachtdesk.KindProduct: {
			"Ik wil graag dat het apparaat kosteloos wordt gerepareerd of vervangen.",
			"Ik wil mijn geld terug.",
			"Graag een vervangend exemplaar zo snel mogelijk.",
			"Ik verwacht dat het probleem binnen twee weken is opgelost.",
		},
	},
	closings: []string{
		"Met vriendelijke groet,", "Met vriendelijke groeten,", "Groet,", "Hoogachtend,",
	},
	questions: []string{
		"Kunt u ons een kopie van de aankoopfactuur sturen?",
		"Wilt u het serienummer van het apparaat doorgeven en een foto van het defect meesturen?",
		"Kunt u aangeven op welke data en tijden u ons heeft geprobeerd te bellen?",
		"Wilt u de foutmelding die u ziet als schermafbeelding meesturen?",
		"Kunt u het ticketnummer of de naam van de medewerker doorgeven?",
	},
	extensionWhy: []string{
		"Wij wachten op het onderzoeksrapport van de fabrikant.",
		"Voor een zorgvuldige beoordeling moeten wij de betrokken monteur spreken, die met verlof is.",
		"De analyse van de logbestanden kost meer tijd dan verwacht.",
		"Wij hebben advies gevraagd aan onze leverancier en wachten op diens reactie.",
	},
	motivations: map[klachtdesk.Finding][]string{
		klachtdesk.FindingFounded: {
			"Uit ons onderzoek blijkt dat wij u onvoldoende hebben geïnformeerd. Dat had niet mogen gebeuren.",
			"Wij hebben vastgesteld dat het apparaat een fabrieksfout heeft die onder de garantie valt.",
			"Uit de gesprekslogboeken blijkt dat u inderdaad herhaaldelijk niet bent teruggebeld.",
		},
		klachtdesk.FindingPartlyFounded: {
			"U bent te laat geïnformeerd over de wijziging; de prijsverhoging zelf is echter conform de overeenkomst.",
			"De levering was inderdaad te laat, maar de schade aan de verpakking is bij aflevering niet gemeld.",
			"De communicatie had beter gekund; de gekozen technische oplossing was wel juist.",
		},
		klachtdesk.FindingUnfounded: {
			"Uit ons onderzoek blijkt dat de werkzaamheden volgens de overeenkomst zijn uitgevoerd en correct gefactureerd.",
			"Het defect is ontstaan door een val; dat valt niet onder de garantie.",
			"Wij hebben geen aanwijzingen gevonden dat de medewerker onjuist heeft gehandeld; het gesprek verliep volgens de opname correct.",
		},
	},
	settlements: map[string][]string{
		"apology":        {"Wij bieden u onze excuses aan voor de gang van zaken."},
		"repair":         {"Wij repareren het apparaat kosteloos binnen vijf werkdagen."},
		"replacement":    {"U ontvangt binnen drie werkdagen een nieuw exemplaar."},
		"refund":         {"Wij betalen het aankoopbedrag van € {amount} binnen veertien dagen terug."},
		"compensation":   {"Als tegemoetkoming crediteren wij € {amount} op uw volgende factuur."},
		"service_credit": {"U krijgt één maand abonnement kosteloos."},
		"process_change": {"Wij hebben onze werkwijze aangepast: terugbelverzoeken worden voortaan binnen vier uur opgepakt."},
	},
	acceptedNotes: []string{
		"Klant akkoord met de oplossing.", "Klant bedankt voor de snelle afhandeling.", "Akkoord per e-mail ontvangen.", "",
	},
	withdrawnNotes: []string{
		"Klant trekt de klacht in: probleem zelf opgelost.", "Klacht ingetrokken na telefonisch overleg.", "Klant ziet af van verdere behandeling.",
	},
	reopenReasons: []string{
		"Klant is het niet eens met de beslissing en vraagt om heroverweging.",
		"Klant stuurt nieuwe informatie: het defect is opnieuw opgetreden.",
	},
	legalHoldWhy: []string{
		"Klant heeft een advocaat ingeschakeld; mogelijke gerechtelijke procedure.",
		"Verzoek van de verzekeraar: dossier bewaren tot afwikkeling van de schadeclaim.",
	},
	externalOutcome: []string{
		"Bemiddeling geslaagd: schikking, klant ontvangt een vervangend toestel.",
		"Bemiddeling geslaagd: gedeeltelijke terugbetaling van € {amount}.",
		"Bemiddeling beëindigd zonder overeenstemming; klant ziet af van verdere stappen.",
		"ICTWaarborg: klacht ongegrond verklaard.",
	},
	informal: []string{
		"Klant heeft eerst telefonisch contact gehad met de helpdesk.",
		"Eerst besproken met de monteur ter plaatse, zonder resultaat.",
	},
}

var englishTexts = &fragments{
	complaints: map[string][]topic{
		"service/reachability": {
			{subjects: []string{"Helpdesk unreachable", "Cannot reach you by phone"}, problem: "Since {date} I have called your helpdesk {days} times, and each time I was on hold for more than half an hour before being cut off."},
			{subjects: []string{"No response to my ticket for days"}, problem: "My ticket {ticket} has been open for {days} days without any response, while our office network keeps going down."},
			{subjects: []string{"Call-back request ignored"}, problem: "On {date} I was promised a call back the same day. It never came, not even after two reminders by e-mail."},
		},
		"service/information": {
			{subjects: []string{"Unclear invoice {invoice}"}, problem: "Invoice {invoice} charges € {amount} for work that nobody explained to me."},
			{subjects: []string{"Wrong information about my subscription"}, problem: "Your sales representative told me the migration was included in the subscription, but now I received a separate bill of € {amount}."},
			{subjects: []string{"Conflicting information about delivery time"}, problem: "Your website says delivery within two working days, yet your colleague on the phone speaks of six weeks."},
		},
		"service/communication": {
			{subjects: []string{"Appointment moved without notice"}, problem: "The appointment for {date} was moved without any notice; I had taken a day off for it."},
			{subjects: []string{"No feedback after maintenance"}, problem: "After the maintenance on our server on {date} I heard nothing, although two issues were still open."},
			{subjects: []string{"E-mails go unanswered"}, problem: "I sent three e-mails about ticket {ticket} and never received an answer."},
		},
		"service/conduct": {
			{subjects: []string{"Rude behaviour of your technician"}, problem: "The technician who visited us on {date} spoke to my colleague in a condescending way and refused to explain anything."},
			{subjects: []string{"Complaint about helpdesk employee"}, problem: "Your helpdesk employee hung up on me when I asked to speak to a manager."},
			{subjects: []string{"Technician did not show up"}, problem: "The technician promised to come on {date} but never showed up and did not cancel either."},
		},
		"service/other": {
			{subjects: []string{"Cancellation not processed"}, problem: "My cancellation as of {date} was not processed and you are still collecting payments."},
			{subjects: []string{"Complaint about the way things went"}, problem: "I am not satisfied with how my question was handled overall."},
		},
		"product/defect": {
			{subjects: []string{"{product} broken", "{product} no longer starts"}, problem: "The {product} I bought on {date} stopped working last week. The lights blink briefly and then nothing happens."},
			{subjects: []string{"{product} keeps shutting down"}, problem: "My {product} shuts down several times a day, especially when it gets warm."},
			{subjects: []string{"Lines on the display of my {product}"}, problem: "The display of the {product} shows vertical lines and flickers."},
		},
		"product/delivery": {
			{subjects: []string{"Order {order} not delivered"}, problem: "Order {order} was due on {date}, but I have received nothing and the tracking link does not work."},
			{subjects: []string{"{product} arrived damaged"}, problem: "The box of the {product} was dented and the device itself has a crack in the casing."},
			{subjects: []string{"Wrong item received with order {order}"}, problem: "I ordered a {product} but a different model was in the box."},
		},
		"product/warranty_repair": {
			{subjects: []string{"Warranty repair of {product} takes too long"}, problem: "I handed in the {product} for warranty repair on {date} and after {days} days I still have not heard anything."},
			{subjects: []string{"{product} broken again after repair"}, problem: "Two weeks after the repair the {product} shows exactly the same fault as before."},
			{subjects: []string{"Warranty refused for {product}"}, problem: "You refuse the warranty claiming water damage, but the {product} has never been wet."},
		},
		"product/software": {
			{subjects: []string{"{product} broken after update"}, problem: "Since the update of {date} the {product} no longer synchronises invoices, so we enter everything by hand.", product: "Exact Online-koppeling"},
			{subjects: []string{"Licence for {product} not activated"}, problem: "The licence for {product} has been paid, but activation fails with an error."},
			{subjects: []string{"{product} no longer makes backups"}, problem: "{product} reports success every night, but no new files have been written since {date}.", product: "Veeam Backup Essentials"},
		},
		"product/other": {
			{subjects: []string{"Complaint about {product}", "Problem with my purchase"}, problem: "The {product} does not do what the product description promised."},
		},
	},
	openers: []string{"Dear Sir or Madam,", "Hello,", "Dear customer service,", "Good afternoon,"},
	impacts: []string{
		"Because of this we have not been able to work normally for days.",
		"This costs me a lot of time and frustration.",
		"I find this very disappointing, especially as I have been a customer for years.",
		"For a small business like ours this is a serious problem.",
	},
	remedies: map[klachtdesk.Kind][]string{
		klachtdesk.KindService: {
			"I expect an apology and a solution within a week.",
			"Please credit the costs.",
			"I would like a manager to contact me.",
		},
		klachtdesk.KindProduct: {
			"I would like the device to be repaired or replaced free of charge.",
			"I want my money back.",
			"Please send a replacement as soon as possible.",
		},
	},
	closings: []string{"Kind regards,", "Best regards,", "Sincerely,"},
	questions: []string{
		"Could you send us a copy of the purchase invoice?",
		"Please send us the serial number of the device and a photo of the defect.",
		"Could you tell us on which dates and times you tried to call us?",
	},
	extensionWhy: []string{
		"We are waiting for the manufacturer's inspection report.",
		"To assess your complaint carefully we need to speak to the technician involved, who is on leave.",
		"Analysing the log files takes longer than expected.",
	},
	motivations: map[klachtdesk.Finding][]string{
		klachtdesk.FindingFounded: {
			"Our investigation shows that we did not inform you sufficiently. That should not have happened.",
			"We found that the device has a manufacturing fault covered by the warranty.",
		},
		klachtdesk.FindingPartlyFounded: {
			"You were informed of the change too late; the price increase itself, however, is in line with the contract.",
			"The delivery was indeed late, but the damage to the packaging was not reported on delivery.",
		},
		klachtdesk.FindingUnfounded: {
			"Our investigation shows that the work was carried out and invoiced according to the contract.",
			"The defect was caused by a fall, which the warranty does not cover.",
		},
	},
	settlements: map[string][]string{
		"apology":        {"We apologise for what happened."},
		"repair":         {"We will repair the device free of charge within five working days."},
		"replacement":    {"You will receive a new device within three working days."},
		"refund":         {"We will refund the purchase price of € {amount} within fourteen days."},
		"compensation":   {"As a gesture we credit € {amount} on your next invoice."},
		"service_credit": {"You get one month of your subscription free of charge."},
		"process_change": {"We changed our procedure: call-back requests are now handled within four hours."},
	},
	acceptedNotes:   []string{"Customer accepts the solution.", "Acceptance received by e-mail.", ""},
	withdrawnNotes:  []string{"Customer withdrew the complaint: solved the problem themselves.", "Withdrawn after a phone call."},
	reopenReasons:   []string{"Customer disagrees with the decision and asks for a review.", "Customer sent new information: the fault occurred again."},
	legalHoldWhy:    []string{"Customer has engaged a lawyer; legal proceedings possible."},
	externalOutcome: []string{"Mediation succeeded: settlement, customer receives a replacement.", "Mediation ended without agreement."},
	informal:        []string{"Customer first phoned the helpdesk.", "First discussed with the technician on site, without result."},
}

// catalog are the products of the demo organisation, an IT supplier.
var catalog = []catalogItem{
	{"HP ProBook 450 G10", "5CD", false},
	{"Lenovo ThinkPad T14", "PF4", false},
	{"Dell OptiPlex 7010", "D7X", false},
	{"Synology DS923+", "2330", false},
	{"Fritz!Box 7590", "AVM", false},
	{"Brother MFC-L3770CDW", "E7H", false},
	{"Ubiquiti UniFi U6 Pro", "UBQ", false},
	{"Samsung ViewFinity S27", "0SX", false},
	{"Microsoft 365 Business Standard", "M365-", true},
	{"ACT Shop webshopmodule", "ACTS-", true},
	{"Exact Online-koppeling", "EXK-", true},
	{"Veeam Backup Essentials", "VBE-", true},
}

// catalogItem is a product complaints can be about.
type catalogItem struct {
	name, serialPrefix string
	software           bool
}

var (
	dutchFirstNames = []string{"Jan", "Marieke", "Pieter", "Sanne", "Kees", "Fenna", "Mohamed", "Ingrid", "Henk", "Lisa",
		"Thijs", "Ayşe", "Wim", "Eva", "Gerrit", "Noor", "Ruben", "Annelies", "Sem", "Yvonne", "Bas", "Priya", "Hanneke", "Youssef"}
	dutchLastNames = []string{"de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
		"de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Yılmaz", "El Idrissi", "Kramer"}
	englishFirstNames = []string{"James", "Emma", "Oliver", "Sophie", "Daniel", "Hannah", "Michael", "Chloe", "Thomas", "Grace", "Arjun", "Julia"}
	englishLastNames  = []string{"Smith", "Brown", "Taylor", "Wilson", "Walker", "Clarke", "Wright", "Hughes", "Patel", "O'Brien", "Murphy", "Kowalski"}
	businessNames     = []string{"Bakkerij De Gouden Korst", "Installatiebedrijf Vermeer", "Tandartspraktijk Zuidplein", "Administratiekantoor Hofstede",
		"Garage Van Dam", "Bloemenhuis Flora", "Architectenbureau Lijn & Vorm", "Fysiotherapie De Brug", "Hoveniersbedrijf Groen", "Notariskantoor Ter Horst",
		"Transportbedrijf Snel", "Café De Zwaan", "Kinderopvang Het Speelhuis", "Drukkerij Letterwerk"}
	businessSuffixes  = []string{" B.V.", " V.O.F.", "", " B.V."}
	englishBusinesses = []string{"Harbour Logistics Ltd", "Bright Minds Tutoring", "Northside Dental Clinic", "Green Leaf Catering", "Atlas Engineering"}
	dutchStreets      = []string{"Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsplein", "Hoofdstraat", "Julianalaan", "Nieuwe Gracht",
		"Industrieweg", "Schoolstraat", "Beukenlaan", "Havenkade", "Marktplein"}
	dutchCities = []string{"Amsterdam", "Utrecht", "Rotterdam", "Zwolle", "Groningen", "Eindhoven", "Haarlem", "Amersfoort",
		"Leeuwarden", "Breda", "Nijmegen", "Deventer", "Alkmaar", "Den Bosch", "Delft"}
)

// team are the demo's staff users: handlers, and colleagues complaints
// are sometimes about (concerned employees).
var team = []struct {
	username, name string
	role           klachtdesk.Role
}{
	{"anouk.devries", "Anouk de Vries", klachtdesk.RoleHandler}, // team lead: assigns
	{"bram.jansen", "Bram Jansen", klachtdesk.RoleHandler},
	{"fatima.elamrani", "Fatima El Amrani", klachtdesk.RoleHandler},
	{"joost.bakker", "Joost Bakker", klachtdesk.RoleHandler},
	{"lotte.visser", "Lotte Visser", klachtdesk.RoleHandler},
	{"kevin.vandijk", "Kevin van Dijk", klachtdesk.RoleViewer}, // helpdesk
	{"sanne.mulder", "Sanne Mulder", klachtdesk.RoleViewer},    // field technician
}
