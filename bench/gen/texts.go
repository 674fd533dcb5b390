package gen

import "github.com/klachtdesk/klachtdesk"

// texts are the fragments complaints, letters and replies are made of, in
// one language.
type texts struct {
	subjects, complaint, remedies, questions, answers []string
	motivations, settlements, accepted, withdrawn     []string
	// ack is the acknowledgement, with the reference and the answer's due
	// date to fill in.
	ack string
}

func textsIn(l klachtdesk.Language) *texts {
	if l == klachtdesk.LanguageEnglish {
		return &english
	}
	return &dutch
}

var firstNames = []string{"Anna", "Bram", "Carla", "Daan", "Eva", "Fatima", "Gert", "Hanna", "Ivo", "Julia", "Kees", "Lotte",
	"Mohamed", "Noor", "Oscar", "Priya", "Quinten", "Rosa", "Sem", "Tess", "Umar", "Vera", "Willem", "Yara", "Zoë"}

var lastNames = []string{"de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
	"de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
	"El Amrani", "Yılmaz", "Nguyen", "Kowalski", "O'Brien"}

var dutch = texts{
	subjects: []string{"Klacht over mijn bestelling", "Geen reactie op mijn vraag", "Onjuiste factuur", "Monteur niet gekomen",
		"Klacht over de klantenservice", "Levering te laat", "Product defect na twee weken", "Dubbel afgeschreven",
		"Onbeschoft behandeld in de winkel", "Storing niet verholpen"},
	complaint: []string{
		"Op 3 maart heb ik een bestelling geplaatst die volgens de bevestiging binnen drie werkdagen geleverd zou worden. Inmiddels zijn we twee weken verder en heb ik nog steeds niets ontvangen, ondanks twee telefoontjes naar uw klantenservice.",
		"Ik heb drie keer gebeld en elke keer werd mij beloofd dat ik teruggebeld zou worden. Dat is niet gebeurd. Ik vind het onacceptabel dat een bedrijf van uw omvang zo met zijn klanten omgaat.",
		"Op mijn laatste factuur staat een bedrag van € 149,95 voor een dienst die ik nooit heb afgenomen. Ik heb dit via het contactformulier gemeld, maar kreeg alleen een automatisch antwoord.",
		"De monteur zou tussen 8 en 12 uur komen. Ik heb daarvoor een vrije dag genomen, maar er is niemand gekomen en ook niemand heeft afgebeld. Dit is de tweede keer dat dit gebeurt.",
		"Het apparaat dat ik bij u heb gekocht werkt sinds twee weken niet meer. Het maakt een ratelend geluid en slaat na enkele minuten af. Het valt nog ruim binnen de garantie.",
		"Het bedrag is twee keer van mijn rekening afgeschreven. Ik wil graag dat het te veel betaalde bedrag zo snel mogelijk wordt teruggestort, want ik kom nu in de problemen met mijn andere betalingen.",
		"De medewerker aan de balie was onvriendelijk en liet mij niet uitpraten. Toen ik om een klachtenformulier vroeg, werd mij gezegd dat ik het maar online moest regelen.",
		"Sinds de overstap naar het nieuwe abonnement valt mijn verbinding meerdere keren per dag weg. Ik werk thuis en ben daardoor al twee keer een belangrijk overleg misgelopen.",
		"In uw brief van vorige maand werd toegezegd dat de kosten vergoed zouden worden. Tot nu toe heb ik niets ontvangen en op mijn herinnering is niet gereageerd.",
		"Ik wil hierbij formeel een klacht indienen. Ik verwacht binnen de termijn die in uw klachtenregeling staat een inhoudelijke reactie.",
	},
	remedies: []string{"Ik wil mijn geld terug.", "Graag een excuus en een vergoeding van de gemaakte kosten.", "Ik wil dat het product wordt vervangen.",
		"Ik verwacht dat de factuur wordt gecorrigeerd.", "Graag een nieuwe afspraak op korte termijn."},
	questions: []string{"Kunt u ons het ordernummer en een kopie van de factuur sturen?", "Wilt u een foto van het defecte product meesturen?",
		"Op welke datum en rond welk tijdstip vond het gesprek in de winkel plaats?", "Kunt u de afschrijvingen van uw bankafschrift meesturen?"},
	answers: []string{"Hierbij stuur ik u de gevraagde gegevens. Het ordernummer staat ook op de pakbon.",
		"De foto's zitten in de bijlage. Zoals u ziet is de behuizing gescheurd.", "Het was op dinsdagmiddag rond half drie, aan de servicebalie.",
		"Ik hoop dat u hiermee verder kunt. Laat het me weten als u nog iets nodig heeft."},
	motivations: []string{
		"Wij hebben uw klacht onderzocht en de gegevens van uw bestelling en de gesprekken met onze klantenservice nagelopen.",
		"Uit ons onderzoek blijkt dat de afspraak door een fout in de planning niet is doorgegeven aan de monteur.",
		"Wij begrijpen dat dit voor u vervelend is geweest. Wij hebben de betrokken medewerkers op de gang van zaken aangesproken.",
		"Op grond van de voorwaarden van uw abonnement valt de storing buiten onze verantwoordelijkheid; wij hebben de netbeheerder wel op de hoogte gesteld.",
	},
	settlements: []string{"Wij storten het te veel betaalde bedrag binnen vijf werkdagen terug.", "Als excuus ontvangt u een tegoedbon van € 25.",
		"Wij vervangen het product kosteloos; de koerier neemt contact met u op.", "Wij passen onze werkwijze aan zodat dit niet opnieuw gebeurt."},
	accepted:  []string{"Dank voor uw reactie, ik ga akkoord met de voorgestelde oplossing.", "Akkoord, hiermee is de zaak voor mij afgehandeld.", "Prima, bedankt voor de snelle afhandeling."},
	withdrawn: []string{"Het probleem is inmiddels opgelost, ik trek mijn klacht in.", "Ik heb het met de winkel zelf kunnen regelen. U kunt de klacht sluiten."},
	ack:       "Geachte heer, mevrouw,\n\nWij hebben uw klacht ontvangen en geregistreerd onder nummer %s. U ontvangt uiterlijk %s een inhoudelijke reactie.\n\nMet vriendelijke groet,\nAfdeling Klachten",
}

var english = texts{
	subjects: []string{"Complaint about my order", "No answer to my question", "Incorrect invoice", "Engineer did not show up",
		"Complaint about customer service", "Late delivery", "Product broke after two weeks", "Charged twice"},
	complaint: []string{
		"On 3 March I placed an order that, according to the confirmation, would be delivered within three working days. Two weeks later I still have not received anything, despite two calls to your customer service.",
		"I called three times and each time I was promised a call back. That never happened. I find it unacceptable that a company of your size treats its customers this way.",
		"My last invoice shows an amount of € 149.95 for a service I never used. I reported this through the contact form but only received an automatic reply.",
		"The engineer was due between 8 and 12. I took a day off for it, but nobody came and nobody called to cancel. This is the second time this has happened.",
		"The appliance I bought from you stopped working two weeks ago. It makes a rattling noise and switches off after a few minutes. It is well within the warranty period.",
		"The amount was taken from my account twice. Please refund the overpayment as soon as possible, as I am now having trouble with my other payments.",
		"I hereby file a formal complaint and expect a reasoned answer within the term set in your complaints procedure.",
	},
	remedies:  []string{"I want a refund.", "An apology and compensation for my costs, please.", "I would like the product replaced.", "Please correct the invoice."},
	questions: []string{"Could you send us the order number and a copy of the invoice?", "Could you send a photo of the defective product?", "Could you send us the entries from your bank statement?"},
	answers:   []string{"Please find the requested details below. The order number is also on the packing slip.", "The photos are attached. As you can see, the casing is cracked.", "I hope this helps. Let me know if you need anything else."},
	motivations: []string{
		"We have looked into your complaint and checked the details of your order and the calls with our customer service.",
		"Our investigation shows that the appointment was not passed on to the engineer because of a planning error.",
		"We understand this has been a nuisance for you. We have discussed what happened with the staff involved.",
	},
	settlements: []string{"We will refund the overpayment within five working days.", "As an apology you will receive a voucher of € 25.",
		"We will replace the product free of charge; the courier will contact you."},
	accepted:  []string{"Thank you for your answer, I accept the proposed solution.", "Agreed, that settles the matter for me."},
	withdrawn: []string{"The problem has been solved in the meantime, I withdraw my complaint."},
	ack:       "Dear Sir or Madam,\n\nWe have received your complaint and registered it under number %s. You will receive a reasoned answer by %s at the latest.\n\nKind regards,\nComplaints department",
}
