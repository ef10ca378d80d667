"""French: the demo campaign, its joint statement, the concerns, demands and tiers."""

CAMPAIGN = {
    "name": "Convention des Nations unies sur la cybercriminalité",
    # The campaign page's headline (seed 003's first line).
    "summary": (
        "Le nouveau traité international sur la cybercriminalité ne nous protégera pas : il met nos droits en danger"
    ),
    "description": (
        "En février 2024, après trois ans de négociations, l’Organisation des Nations unies (ONU) présentera un "
        "nouveau traité international de lutte contre la cybercriminalité. Or des organisations spécialisées et "
        "des militant·es du monde entier préviennent que le texte comporte de graves lacunes, qui pourraient "
        "servir à justifier des atteintes aux droits humains. Alors que les négociations touchent à leur fin, "
        "les États ne sont pas parvenus à garantir le minimum requis pour que l’accord préserve la vie "
        "démocratique et le respect des droits fondamentaux.\n\n"
        "Le traité se trompe sur plusieurs points. Dans sa forme actuelle, l’accord manque de garanties "
        "suffisantes en matière de droits humains pour empêcher qu’il serve à restreindre les droits civils et "
        "politiques, comme la liberté d’expression en ligne. Il manque aussi d’une véritable perspective de "
        "genre, ce qui ouvre la porte à la persécution des femmes et des personnes LGBTQI, comme le montre une "
        "étude menée par Derechos Digitales et l’APC.\n\n"
        "Au contraire, le champ d’application actuellement très large du traité pourrait restreindre la liberté "
        "d’expression en sanctionnant des propos légitimes sous couvert de lutte contre la cybercriminalité, "
        "comme l’ont maintes fois signalé les organisations internationales de défense des droits humains. De "
        "plus, l’accord légitime le renforcement des capacités de surveillance des activités en ligne par les "
        "États et facilite la coopération entre États pour collecter et partager des informations personnelles "
        "sur la population, sans les contrôles nécessaires pour prévenir les abus, et pour enquêter sur des "
        "infractions « graves » définies par les lois nationales, même lorsqu’elles contredisent le droit "
        "international des droits humains. Il pourrait s’agir, par exemple, de révéler des identités ou des "
        "métadonnées personnelles en appliquant des lois nationales problématiques à des actes comme brandir un "
        "drapeau arc-en-ciel, être LGBTQ+ ou insulter un monarque sur les réseaux sociaux.\n\n"
        "Dans sa version actuelle, le traité sur la cybercriminalité, loin d’être un outil qui garantit à "
        "chacun et chacune une plus grande sécurité en ligne, est devenu une menace pour l’exercice des droits "
        "humains, tant dans les pays aux démocraties fragiles que dans ceux marqués par une histoire de "
        "techno-autoritarisme.\n\n"
        "Un traité international sur la cybercriminalité rédigé à l’ONU ne peut pas négliger la défense et la "
        "promotion des droits humains. Nous appelons les États à ne pas commettre cette erreur et, lorsqu’ils "
        "adopteront un instrument de poursuite des infractions informatiques, à veiller à ce qu’il garantisse "
        "à chaque personne le plein exercice de ses droits fondamentaux.\n\n"
        "## Pourquoi nous opposons-nous au nouveau traité international sur la cybercriminalité ?\n\n"
        "- Le traité sur la cybercriminalité en cours de négociation aux Nations unies manque de garanties "
        "solides en matière de droits humains : il pourra être invoqué pour poursuivre et sanctionner des actes "
        "légitimes, comme l’expression d’une dissidence politique.\n"
        "- Le traité sur la cybercriminalité promu par les Nations unies n’intègre pas réellement la "
        "perspective de genre. Il facilite ainsi la criminalisation des femmes et des personnes LGBTQIA+ et "
        "affaiblit la lutte pour l’égalité des droits.\n"
        "- Le traité sur la cybercriminalité comprend des infractions qui portent atteinte à la liberté "
        "d’expression, comme l’ont signalé plusieurs organisations internationales. C’est contraire à la "
        "mission de l’ONU : on ne peut pas adopter un traité qui légitime des violations des droits humains.\n"
        "- Le traité sur la cybercriminalité négocié aux Nations unies légitime la surveillance des activités "
        "en ligne par les gouvernements pour enquêter sur n’importe quelle infraction, informatique ou non, "
        "même incompatible avec le droit international des droits humains. Il facilite la coopération entre "
        "États pour collecter et partager des informations personnelles sur la population, sans garanties "
        "suffisantes contre les abus de pouvoir de la police.\n"
        "- Dans sa forme actuelle, le traité sur la cybercriminalité, loin d’être un outil qui garantit à "
        "chacun et chacune une plus grande sécurité en ligne, est devenu une menace pour l’exercice des droits "
        "humains, en particulier dans les pays aux démocraties fragiles et au passé autoritaire.\n\n"
        "## À quelles exigences un traité international sur la cybercriminalité doit-il répondre ?\n\n"
        "- Un traité sur la cybercriminalité doit garantir une plus grande sécurité en ligne pour toutes les "
        "personnes, en défendant et en promouvant l’exercice des droits humains.\n"
        "- Un traité sur la cybercriminalité doit adopter une perspective de genre effective et "
        "intersectionnelle, présente dans chacun de ses articles, afin que ses règles contribuent au respect "
        "des droits humains et à l’égalité de genre. Cela suppose des dispositions visant à protéger les "
        "personnes historiquement exclues, comme les femmes et les personnes LGBTQI.\n"
        "- Un traité sur la cybercriminalité doit porter précisément sur les infractions informatiques et "
        "apporter des solutions concrètes et utiles à un problème réel, plutôt que des dispositions vagues "
        "pouvant servir à poursuivre et à espionner des personnes pour des actes légitimes, en ligne ou hors "
        "ligne.\n"
        "- Un traité sur la cybercriminalité doit limiter les pouvoirs des gouvernements de surveiller les "
        "activités en ligne, ainsi que de collecter, de traiter et de partager avec d’autres États les "
        "informations personnelles de la population, afin d’éviter les abus.\n\n"
        "Ces dispositions sont indispensables à toute réglementation internationale de la cybercriminalité, "
        "a fortiori lorsqu’elle est rédigée aux Nations unies. Sans elles, le processus ne doit pas se "
        "poursuivre."
    ),
    # Seed 003's introduction to its call to action, addressing the reader as “vous” as the site does.
    "actions_intro": (
        "Nous avons besoin de vous ! À ce stade du processus, votre aide est essentielle pour diffuser "
        "l’information et faire connaître les dangers que représente le traité sur la cybercriminalité dans sa "
        "forme actuelle, ainsi que la nécessité d’y intégrer une solide perspective de droits humains. Pour "
        "cela, vous pouvez :"
    ),
}

JOINT_STATEMENT = {
    "title": (
        "La Convention des Nations unies sur la cybercriminalité ne doit pas devenir un outil pour saper les "
        "normes internationales relatives aux droits humains"
    ),
    "summary": (
        "Les signataires soulignent que la Convention ne doit aller de l’avant que si elle poursuit l’objectif "
        "précis de lutter contre la cybercriminalité sans mettre en danger les droits humains et les libertés "
        "fondamentales des personnes qu’elle entend protéger, ni compromettre les efforts visant à améliorer la "
        "cybersécurité au service d’un internet ouvert."
    ),
    # The letter's own title line (seed 001's third line), then its text.
    "body": (
        "## Déclaration commune sur le projet de traité sur la cybercriminalité, à la veille de la session de "
        "clôture\n\n"
        "Nous, organisations [et expert·es] soussigné·es, appelons les délégations des États qui participent à "
        "la session de clôture du Comité spécial des Nations unies (ONU) à veiller à ce que le projet de "
        "Convention sur la cybercriminalité (la Convention) se limite strictement à la lutte contre la "
        "cybercriminalité et ne serve pas d’outil pour saper les droits humains. Faute de changements "
        "substantiels remédiant à ces lacunes, la Convention doit être rejetée.\n\n"
        "Les organisations de la société civile ont consacré du temps et apporté leur expertise pour améliorer "
        "le projet et le rendre pleinement conforme au droit et aux normes en vigueur en matière de droits "
        "humains, aux principes de la Charte des Nations unies et à l’État de droit, ainsi qu’aux bonnes "
        "pratiques qui assurent la sécurité juridique des efforts d’amélioration de la cybersécurité. Nos "
        "préoccupations au sujet du texte proposé s’appuient sur notre expérience et sur notre travail de "
        "défense des droits humains dans le monde entier. Les lois nationales et régionales sur la "
        "cybercriminalité sont malheureusement bien trop souvent détournées pour s’en prendre injustement aux "
        "journalistes et aux chercheurs et chercheuses en sécurité, réprimer la dissidence et les lanceurs "
        "d’alerte, mettre en danger les défenseur·es des droits humains, restreindre la liberté d’expression "
        "et justifier des mesures de surveillance étatique inutiles et disproportionnées.\n\n"
        "Tout au long des négociations de ces deux dernières années, les organisations de la société civile et "
        "d’autres parties prenantes ont constamment rappelé que la lutte contre la cybercriminalité ne doit pas "
        "se faire au détriment des droits humains, de l’égalité de genre et de la dignité des personnes dont "
        "la vie sera touchée par cette Convention. Elle ne doit ni entraver la recherche en sécurité ni nous "
        "rendre tous et toutes moins en sécurité. Des garanties et des limites solides et effectives sont "
        "indispensables pour éviter que les dispositions de la Convention donnent lieu à des abus sous couvert "
        "de lutte contre la cybercriminalité. Malheureusement, le dernier projet de la Convention, qui doit "
        "être finalisé d’ici février 2024, ne répond pas à bon nombre de nos principales préoccupations. Nous "
        "estimons que, si le texte de la Convention est adopté en l’état, le risque d’abus et de violations "
        "des droits humains augmentera de façon exponentielle et nous laissera un internet moins sûr."
    ),
    "concerns_intro": "Nous sommes particulièrement préoccupés par le fait que le dernier projet de la Convention :",
    "before_demands": (
        "La Convention ne doit aller de l’avant que si elle poursuit l’objectif précis de lutter contre la "
        "cybercriminalité sans mettre en danger les droits humains et les libertés fondamentales des personnes "
        "qu’elle entend protéger, ni compromettre les efforts visant à améliorer la cybersécurité au service "
        "d’un internet ouvert. Le projet actuel est très loin de cet objectif et de ces exigences minimales, et "
        "doit être entièrement révisé, amendé ou rejeté."
    ),
    "demands_intro": "C’est pourquoi nous appelons toutes les délégations des États à :",
    "closing": (
        "Alors que le Comité spécial des Nations unies se réunit pour sa session de clôture, nous appelons les "
        "délégations des États à redoubler d’efforts pour combler ces graves lacunes du projet actuel. "
        "L’issue des négociations du traité ne devrait être jugée acceptable que si elle intègre réellement "
        "des garanties solides et effectives de protection des droits humains, assure la clarté juridique au "
        "service de l’équité et d’une procédure régulière, et favorise la coopération internationale dans le "
        "respect de l’État de droit. Le projet de Convention ne doit pas servir à cautionner des pratiques "
        "d’intrusion et de surveillance préjudiciables aux droits humains.\n\n"
        "Si ces exigences minimales ne sont pas remplies, nous demandons aux délégations des États de rejeter "
        "le projet de traité et de ne pas le transmettre à l’Assemblée générale des Nations unies pour adoption."
    ),
}

CONCERNS = [
    (
        "conserve un champ d’application trop large quant aux activités que les États sont tenus d’ériger en "
        "infractions. Il inclut des infractions facilitées par les technologies numériques et d’autres "
        "infractions liées aux contenus, et crée une insécurité juridique par un renvoi ouvert aux infractions "
        "prévues par d’autres « conventions et protocoles internationaux applicables ». Ce champ excessif fait "
        "courir le risque que la Convention serve à criminaliser l’expression légitime en ligne, ce qui aura "
        "probablement des effets discriminatoires et aggravera les inégalités de genre ;"
    ),
    (
        "ne contient pas de formulation suffisante pour protéger les chercheurs et chercheuses en sécurité, "
        "les lanceurs d’alerte, les militant·es et les journalistes contre une criminalisation excessive ;"
    ),
    (
        "fait trop peu référence aux obligations des États au titre du droit international des droits "
        "humains, prévoit de faibles garanties nationales en matière de droits humains dans son chapitre sur "
        "la procédure pénale et n’intègre pas explicitement de garanties solides, applicables à l’ensemble du "
        "traité, pour que la lutte contre la cybercriminalité protège correctement les droits humains et "
        "respecte les principes de légalité, de non-discrimination, de but légitime, de nécessité et de "
        "proportionnalité ;"
    ),
    (
        "n’intègre pas réellement la perspective de genre, pourtant essentielle pour que la Convention ne "
        "serve pas à porter atteinte aux droits humains des personnes en raison de leur genre ;"
    ),
    (
        "propose de créer des régimes juridiques permettant de surveiller, de conserver et de partager par-delà "
        "les frontières des informations d’une manière qui saperait la confiance dans les communications "
        "sécurisées et enfreindrait les normes internationales relatives aux droits humains, notamment "
        "l’exigence d’une autorisation judiciaire préalable et les principes de légalité, de non-discrimination, "
        "de but légitime, de nécessité et de proportionnalité ;"
    ),
    (
        "autorise un partage excessif d’informations aux fins de la coopération policière, au-delà du cadre "
        "d’enquêtes pénales précises et sans garanties spécifiques et explicites en matière de protection des "
        "données et de droits humains."
    ),
]

DEMANDS = [
    (
        "limiter le champ d’application de l’ensemble de la Convention aux infractions cyberdépendantes "
        "précisément définies et inscrites dans son texte ;"
    ),
    (
        "veiller à ce que la Convention comprenne des dispositions garantissant que les chercheurs et "
        "chercheuses en sécurité, les lanceurs d’alerte, les journalistes et les défenseur·es des droits "
        "humains ne soient pas poursuivis pour leurs activités légitimes, et que les autres activités d’intérêt "
        "public soient protégées ;"
    ),
    (
        "garantir que des normes explicites de protection des données et de droits humains — notamment les "
        "principes de non-discrimination, de légalité, de but légitime, de nécessité et de proportionnalité — "
        "s’appliquent à l’ensemble de la Convention. Des garanties spécifiques et explicites, comme le principe "
        "d’une autorisation judiciaire préalable, doivent encadrer l’accès aux données et leur partage, ainsi "
        "que la conduite d’enquêtes et de coopérations transfrontalières conformes à l’État de droit ;"
    ),
    (
        "intégrer la perspective de genre dans l’ensemble de la Convention et dans chacun de ses articles, "
        "dans les efforts de prévention et de lutte contre la cybercriminalité ;"
    ),
    (
        "limiter le champ d’application des mesures procédurales et de la coopération internationale aux "
        "infractions cyberdépendantes établies dans le chapitre de la Convention consacré à l’incrimination ;"
    ),
    (
        "refuser toute disposition de surveillance susceptible d’être détournée pour affaiblir la "
        "cybersécurité et le chiffrement."
    ),
]

DEMANDS_ADDRESSED_TO = "toutes les délégations des États"

TIERS = [
    "Présentée par des ONG enregistrées au titre des paragraphes 8 ou 9 du dispositif",
    "Liste complète des signataires qui soutiennent la lettre",
]
