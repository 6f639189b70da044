"""What the Matrix transport itself says to people."""

UNDECRYPTABLE = (
    "Je n'ai pas pu lire votre message : il est chiffré avec une clé que je n'ai pas reçue. "
    "Renvoyez-le dans une minute, je demande la clé en attendant. Si ça recommence, "
    "fermez puis rouvrez votre application Matrix, ou écrivez-moi dans un nouveau salon privé."
)
INVITE_REFUSED = (
    "Relais ne rejoint que les salons des collectifs qui l'ont configuré. "
    "Demandez aux organisatrices et organisateurs de votre collectif."
)
MOVED_TO_PRIVATE = (
    "Quelqu'un d'autre est entré dans le salon où nous parlions en privé. Pour protéger "
    "ce que vous m'écrivez, je continue ici, dans une nouvelle conversation privée. "
    "Reprenez où vous en étiez, ou tapez {prefix}annuler pour arrêter."
)
