"""Vocabulary for the search: function words to ignore, and how people name things.

SYNONYMS maps a canonical form (the word the topics use) to the ways people write it:
abbreviations, slang, SMS spelling, old names. Both topics and questions go through it.
Keep it general vocabulary, never whole questions.
"""

from __future__ import annotations

# Normalised (lower case, no accents). Function words, chat fillers, SMS spellings of them.
_STOPWORDS = """
    a ai aie aient ais ait alors as au aucun aucune aupres aussi autre autres aux avaient
    avais avait avant avec avez aviez avoir avons ayant bah ben bien bon bonne c ca car ce
    ceci cela celle celles celui ces cet cette ceux chaque chez ci comme comment d da dans
    de deja des deux dois doit doivent donc dont du elle elles en encore es est et etaient
    etais etait etant ete etes etre eu eux f faire fais fait faites faut font g genre h hein
    i il ils j je jusqu k l la le les leur leurs lui m ma mais me meme memes mes moi mon n
    ne ni nos notre nous o on ont ou p par parce pas peu peut peuvent peux plus pour pourquoi
    puis puisque q qu quand que quel quelle quelles quels qui quoi r sa sans se sera ses si
    sien soi soit sommes son sont sous suis sur t ta te tes toi ton toujours tous tout toute
    toutes tres tu u un une v vais vas veut veux vos votre vous vont w x y z
    oui non ok okay ouais ouai nan merci bonjour bonsoir salut coucou hello svp stp please
    slt bjr cc mrc dsl desole desolee pardon voila voici
    c cest jsuis jsui chui jveux jpeux jpense jsp jsais jai jcomprends jcomprend jvoudrais
    jme jte jle jla jles chuis koi kwa ke ki kan ptn mdr lol pk pq pcq pck psk tt tte ttes
    tjr tjrs ds dc ms pr ac avc bcp qqn qqch qq qd vs nn ya yaura yen ny jy jen
    est-ce estce quelquun quelqu quelque quelques chose choses truc trucs machin
    voudrais voudrait voulais veulent vouloir pouvoir pourrais pourrait pourrai pouvez peut-etre
    devrais devrait devoir savoir sais sait savez connaitre connais
    aller va allez dire dit dis disent ont avaient avez eu
    normal legal vrai vraiment possible
    prendre pris prise prend prends prennent mettre mis mise met mets mettent passer passe
    venir viens vient falloir faudrait fallait rien jamais
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# canonical form: variants. Multi-word variants are matched as whole phrases.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # administrations and their old names
    "france travail": (
        "pole emploi",
        "pôle emploi",
        "pe",
        "anpe",
        "assedic",
        "francetravail",
        "poleemploi",
    ),
    "chomage": ("chomdu", "chômedu", "chomeuse", "chomeur", "chomeurs", "chomeuses"),
    "securite sociale": ("secu", "sécu", "la secu"),
    "prefecture": ("pref", "préf", "prefect", "sous-prefecture", "sous prefecture"),
    "france services": (
        "msap",
        "maison de services au public",
        "maison france services",
        "maisons france services",
        "france service",
        "espace france services",
    ),
    "defenseur des droits": (
        "defenseure des droits",
        "ddd",
        "defenseur droits",
        "mediateur de la republique",
    ),
    "tribunal administratif": (
        "tribunal admin",
        "juge administratif",
        "juridiction administrative",
    ),
    "mon espace sante": (
        "monespacesante",
        "espace numerique de sante",
        "ens",
        "espace sante",
        "dossier medical partage",
        "dmp",
        "dossier medical en ligne",
        "dossier medical numerique",
    ),
    "health data hub": ("hdh", "plateforme des donnees de sante"),
    "franceconnect": ("france connect", "france-connect"),
    "france identite": ("franceidentite",),
    "titre de sejour": (
        "carte de sejour",
        "titre sejour",
        "carte de resident",
        "carte resident",
        "cds",
        "carte sejour",
    ),
    "amende forfaitaire delictuelle": ("afd", "amende delictuelle"),
    "garde a vue": ("gav", "garde-a-vue"),
    # people
    "police": (
        "keufs",
        "keuf",
        "flics",
        "flic",
        "poulets",
        "condes",
        "schmitts",
        "schmits",
        "policier",
        "policiers",
        "policiere",
        "policieres",
        "flicaille",
        "gendarmes",
        "gendarme",
        "gendarmerie",
    ),
    "employeur": ("patron", "patronne", "chef", "cheffe", "boss", "manager"),
    "medecin": (
        "toubib",
        "psy",
        "psychiatre",
        "psychologue",
        "generaliste",
        "dentiste",
        "gyneco",
        "gynecologue",
        "kine",
        "docteur",
        "soignant",
        "soignants",
        "soignante",
        "soignantes",
    ),
    "hopital": ("hosto", "chu", "hopitaux"),
    "ecole": (
        "maternelle",
        "primaire",
        "cp",
        "ce1",
        "ce2",
        "cm1",
        "cm2",
        "maitresse",
        "maitre",
        "instit",
        "institutrice",
        "instituteur",
        "enseignant",
        "enseignante",
        "enseignants",
        "professeur",
        "professeure",
        "profs",
        "eleve",
        "eleves",
        "scolaire",
    ),
    "agriculteur": ("paysan", "paysanne", "paysans", "agricultrice", "agriculteurs", "fermier"),
    "eleveur": ("eleveuse", "eleveurs", "elevage"),
    # things
    "algorithme": ("algo", "algos", "algorithmes", "ia", "intelligence artificielle", "parcoursup"),
    "videosurveillance algorithmique": ("vsa", "video surveillance algorithmique"),
    "videosurveillance": (
        "videoprotection",
        "video protection",
        "video surveillance",
        "video-surveillance",
        "cctv",
    ),
    "camera": ("cam", "cams", "cameras"),
    "medicament": ("medoc", "medocs", "medicaments", "traitement medical"),
    "ordinateur": ("ordi", "ordis", "pc", "ordinateurs"),
    "telephone": ("tel", "phone", "portable", "mobile"),
    "smartphone": ("smartphones", "iphone", "android"),
    "application": ("appli", "applis", "app", "apps", "applications"),
    "association": ("asso", "assos", "associations", "assoc"),
    "travail": ("boulot", "taf", "taff", "job"),
    "internet": ("en ligne", "web", "le net", "online", "sur le site", "dematerialise"),
    "mail": ("email", "e-mail", "mails", "emails", "courriel", "courriels", "mel"),
    "rdv": ("rendez-vous", "rendez vous", "rendezvous", "rencard"),
    "allocation": ("alloc", "allocs", "allocations"),
    "aide au logement": ("apl", "als", "alf"),
    "rsa": ("revenu de solidarite active",),
    "ivg": ("avortement", "avorter", "interruption volontaire de grossesse"),
    "geolocalisation": ("geoloc", "gps", "traceur", "localisation", "geolocalise"),
    "logiciel espion": ("keylogger", "mouchard", "spyware", "logiciel de surveillance"),
    "deconnexion": ("deco", "deconnecter"),
    "gafam": (
        "google",
        "facebook",
        "meta",
        "instagram",
        "whatsapp",
        "messenger",
        "zoom",
        "teams",
        "skype",
        "doodle",
        "gmail",
        "drive",
        "google drive",
        "google docs",
        "dropbox",
        "microsoft teams",
    ),
    "visio": ("visioconference", "visio-conference", "videoconference", "appel video"),
    "rgpd": ("gdpr", "reglement general sur la protection des donnees"),
    "identite numerique": ("id numerique", "identite digitale", "digital id"),
    "portefeuille": ("wallet", "eudi"),
    "puce": ("puces", "pucage", "pucer", "puçage", "rfid", "boucle electronique"),
    "amende": ("pv", "prune", "contravention", "contredanse", "amendes"),
    "fichier": ("fichiers", "fichage", "fiche", "fiches", "fiché", "fichee", "fiches"),
    "dossier medical": ("dossier patient", "dossier de sante", "dossier hospitalier"),
    "trop percu": ("trop-percu", "indu", "indus"),
    "retenue": (
        "retenues",
        "retenir",
        "retient",
        "retiennent",
        "prelevement",
        "prelevements",
        "prelever",
        "preleve",
        "prelevent",
    ),
    "echeancier": ("en plusieurs fois", "mensualites", "etaler", "etalement"),
    "carte bancaire": ("carte bleue", "cb", "carte de credit", "carte de paiement"),
    "copie": ("photocopie", "photocopies", "photocopier"),
    "donnees": ("infos", "info", "informations", "data"),
    "donnees personnelles": (
        "infos perso",
        "info perso",
        "donnees perso",
        "informations personnelles",
        "infos personnelles",
    ),
    "reclamation": ("plaindre", "me plaindre", "se plaindre", "reclamer"),
    "refuser": ("resister", "resistance"),
    "obligatoire": (
        "oblige",
        "obligee",
        "obliger",
        "obligent",
        "impose",
        "imposee",
        "imposer",
        "imposent",
        "forcer",
        "contraint",
    ),
    "payer": (
        "payant",
        "payante",
        "facturer",
        "facture",
        "facturee",
        "facturees",
        "factures",
        "couter",
        "coute",
        "coutent",
    ),
}

# canonical form: words that point to it. Unlike SYNONYMS, the words stay and the
# canonical form is added next to them.
RELATED: dict[str, tuple[str, ...]] = {
    "donnees personnelles": (
        "spam",
        "spams",
        "spamme",
        "spammer",
        "demarchage",
        "prospection",
        "fichier client",
        "fichiers clients",
    ),
    "payer": ("acheter", "achete", "achetes", "achat", "achats"),
    "guichet": ("en vrai", "en personne", "face a face", "de visu", "sans internet", "hors ligne"),
    "illectronisme": (
        "pas a aise",
        "mal a aise",
        "pas doue",
        "pas douee",
        "nul en informatique",
        "nulle en informatique",
    ),
}
