"""Detector for names introduced as such: "je m'appelle…", "Madame…", "mon fils…".

A name met without an introduction ("Karim m'a aidé") cannot be told from any other
capitalised word and is not caught; LIMITS_FR says so to the person writing.

Decisions:
- the courtesy title stays and only the name goes: "Madame Dupont" -> "Madame [nom]";
- a title followed by a role keeps the role: "Madame la juge", "Monsieur le Préfet" and
  "Madame la Directrice" are unchanged (the role helps the reader and names nobody);
- after "je m'appelle", "mon nom est", "je me nomme" a lower-case name is taken too;
  after every other introduction only capitalised words not in the stop list are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.french import fold
from commands.temoignage.scrub.common import NAME, SPACE, Finding, fold_set, spaced

_GAP = r"[ \u00a0\u202f\t]*[,:]?[ \u00a0\u202f\t]*(?:\n[ \u00a0\u202f\t]*)?"

# Introductions after which even a lower-case word is a name.
_STRONG_RE = re.compile(
    spaced(
        r"(?<![\w])(?:je~+m['’]~*appelle|je~+me~+nomme"
        r"|(?:mon|son)~+(?:nom|pr[ée]nom)(?:~+de~+(?:famille|naissance|jeune~+fille))?"
        r"~+(?:est|c['’]est)"
        r"|(?:nom|pr[ée]nom)(?:~+de~+famille)?~*:"
        r")~*:?~*"
    ),
    re.IGNORECASE,
)

_RELATIVES = (
    r"fils|filles?|mari|femme|[ée]pou(?:x|se)|compagnon|compagne|conjointe?|fr[èe]re|s(?:œ|oe)ur"
    r"|m[èe]re|p[èe]re|amie?|copain|copine|voisine?|neveu|ni[èe]ce|petit-fils|petite-fille"
    r"|enfants?|b[ée]b[ée]|cousine?|oncle|tante|grand-m[èe]re|grand-p[èe]re|beau-fr[èe]re"
    r"|belle-s(?:œ|oe)ur|belle-m[èe]re|beau-p[èe]re|fianc[ée]e?|ex|petite?-amie?"
    r"|conseill(?:er|[èe]re)|r[ée]f[ée]rente?|assistante?(?:~+sociale?)?"
    r"|m[ée]decin|avocate?|coll[èe]gue|patronne?|cheffe?|tut(?:eur|rice)|curat(?:eur|rice)"
    r"|aidante?"
)
_ROLES = (
    r"conseill(?:er|[èe]re)|r[ée]f[ée]rente?|assistante?~+sociale?|agente?"
    r"|m[ée]decin|docteure?|avocate?|juge|infirmi(?:er|[èe]re)|gestionnaire|direct(?:eur|rice)"
    r"|secr[ée]taire|contr[ôo]leu(?:r|se)|travailleu(?:r|se)~+sociale?|[ée]ducat(?:eur|rice)"
)
# Introductions after which only a capitalised word is taken. The short titles are
# case-sensitive ("M. Durand", not "m." or "me").
_TITLE_RE = re.compile(
    spaced(
        r"(?<![\w])(?:"
        r"(?i:je~+suis|moi~*,?~*c['’]est"
        r"|madame|monsieur|mademoiselle|docteure?|ma[îi]tre|professeure?"
        r"|cordialement|bien~+(?:cordialement|[àa]~+vous)|sign[ée]e?"
        r"|(?:mon|ma|notre|mes|son|sa)~+(?:" + _RELATIVES + r")"
        r"|(?:le|la|l['’])~*(?:" + _ROLES + r"))(?![\w\-])"
        r"|(?<![\w.])(?:Mmes?|Mlles?|Mr|Dr|Pr|Me|Dre|M|MM)(?![\w])\.?(?=~)"
        r")"
    )
    + _GAP,
)

_AND_RE = re.compile(spaced(r"~+(?:et|&)~+"))
_FIRST_TOKEN_RE = re.compile(r"(?P<tok>[^\W\d_][\w'’\-]*\.?)")
_NEXT_TOKEN_RE = re.compile(SPACE + r"+(?P<tok>[^\W\d_][\w'’\-]*\.?)")

_PARTICLES = fold_set("de du des d' van von der den ben ibn el al ould dos da di la le")
# Capitalised words that are not names: sentence words, services, roles, states.
_STOP = fold_set(
    """
    je j' tu il elle on nous vous ils elles le la les l' un une des de du d' au aux et ou
    mais donc or ni car à a en dans sur sous pour par avec sans chez vers très pas plus ne
    n' ce c' ça cela cette ces cet mon ma mes ton ta tes son sa ses notre votre nos vos leur
    leurs qui que qu' quand comme si oui non merci d'etat bonjour bonsoir salut cordialement
    alors puis depuis aussi encore toujours jamais vraiment là ici actuellement maintenant
    déjà enfin bref voilà voici svp stp ok
    madame monsieur mademoiselle mme mmes mlle m mr dr pr me docteur docteure maître maitre
    professeur professeure
    caf cpam msa mdph ccas cias pmi ase siao urssaf ants ofii ameli sécu sécurité sociale
    rsa aah apl als alf ass are prime activité css cmu ame ars cnil rgpd
    france travail pôle emploi préfecture préfet préfète sous-préfecture mairie maire
    hôpital urgences clinique tribunal justice police gendarmerie commissariat école
    collège lycée université département région état etat gouvernement ministère ministre
    internet google facebook whatsapp mission locale cap départemental départementale
    conseil centre service services espace maison point accueil relais secours populaire
    catholique restos croix rouge emmaüs cimade gisti famille
    jaf jld tdah tsa ald aesh avs ulis ime esat ehpad savs sessad cmp cmpp
    directrice directeur juge présidente président conseillère conseiller députée député
    sénatrice sénateur défenseure défenseur droits secrétaire responsable agente agent
    assistante assistant sociale social infirmière infirmier médecin avocate avocat
    commissaire procureure procureur greffière greffier chef cheffe adjointe adjoint
    inspectrice inspecteur contrôleuse contrôleur administratrice administrateur gérante
    gérant référente référent éducatrice éducateur
    française français algérienne algérien marocaine marocain tunisienne tunisien
    sénégalaise sénégalais malienne malien ivoirienne ivoirien comorienne comorien
    camerounaise camerounais congolaise congolais guinéenne guinéen turque roumaine roumain
    européenne européen étrangère étranger africaine africain
    allocataire bénéficiaire demandeuse demandeur handicapée handicapé malade seule seul
    mère père maman papa veuve veuf retraitée retraité chômeuse chômeur salariée salarié
    étudiante étudiant enceinte sdf désolée désolé perdue perdu allée allé venue venu née
    né restée resté partie parti tombée tombé arrivée arrivé inscrite inscrit bloquée
    bloqué radiée radié obligée obligé fatiguée fatigué épuisée épuisé sûre sûr certaine
    certain contente content inquiète inquiet
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin
    juillet août septembre octobre novembre décembre
    """
)
# Lower-case words that end a name taken after "je m'appelle".
_LOWER_STOP = fold_set(
    """
    et ou mais donc car puis alors j' je suis ai a as est ont avait habite vis vit pas plus
    depuis pour avec sans dans chez ça ce c' qui que comment comme si ici là aussi et
    moi toi lui nous vous eux elle il on y en le la les un une des du de d' à au aux
    """
)
_MAX_WORDS = 3
_MAX_LOWER_WORDS = 2


def find_names(text: str) -> Iterator[Finding]:
    for regex, strong in ((_STRONG_RE, True), (_TITLE_RE, False)):
        for m in regex.finditer(text):
            span = _name_span(text, m.end(), strong=strong)
            while span is not None:
                yield Finding(NAME, span[0], span[1])
                # "mes enfants Lucas et Léa": a second name joined by "et".
                joined = _AND_RE.match(text, span[1])
                span = None if joined is None else _name_span(text, joined.end(), strong=False)


def _name_span(text: str, pos: int, *, strong: bool) -> tuple[int, int] | None:
    start: int | None = None
    end = pos
    words = lower_words = 0
    m = _FIRST_TOKEN_RE.match(text, pos)
    after_particle = False
    while m is not None and words < _MAX_WORDS:
        token = m.group("tok")
        word = token.rstrip(".")
        folded = fold(word)
        initial = len(word) == 1 and word.isupper() and token.endswith(".")
        glued = folded[:2] in ("d'", "l'") and len(word) > 2 and word[2].isupper()
        if initial:
            pass
        elif folded in _STOP:
            break
        elif glued:
            pass
        elif folded in _PARTICLES and start is not None:
            after_particle = True  # "Marie de La Tour": kept only if a name follows
            m = _NEXT_TOKEN_RE.match(text, m.end())
            continue
        elif word[0].isupper():
            pass
        elif (
            strong
            and not after_particle
            and lower_words < _MAX_LOWER_WORDS
            and folded not in _LOWER_STOP
        ):
            lower_words += 1
        else:
            break
        if start is None:
            start = m.start("tok")
        words += 1
        after_particle = False
        end = m.start("tok") + (len(token) if initial else len(word))
        if token.endswith(".") and not initial:
            break  # end of the sentence
        m = _NEXT_TOKEN_RE.match(text, m.end())
    if start is None:
        return None
    return start, end
