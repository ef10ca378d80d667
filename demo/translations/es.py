"""Spanish: the demo campaign, its joint statement, the concerns, demands and tiers."""

CAMPAIGN = {
    "name": "Convención de la ONU sobre Ciberdelincuencia",
    # The campaign page's headline (seed 003's first line).
    "summary": (
        "El nuevo tratado internacional sobre ciberdelincuencia no nos protegerá: pone en peligro nuestros derechos"
    ),
    "description": (
        "En febrero de 2024, tras tres años de negociaciones, las Naciones Unidas (ONU) presentarán un nuevo "
        "tratado internacional para combatir la ciberdelincuencia. Sin embargo, organizaciones expertas y "
        "activistas de todo el mundo advierten que el documento contiene graves defectos que podrían usarse "
        "para justificar abusos contra los derechos humanos. Con poco tiempo antes del cierre de las "
        "negociaciones, los Estados no han logrado asegurar un conjunto de requisitos mínimos para que el "
        "acuerdo garantice la convivencia democrática y el respeto de los derechos fundamentales.\n\n"
        "El tratado se equivoca en varios aspectos. En su forma actual, el acuerdo carece de salvaguardias de "
        "derechos humanos suficientes para impedir que se utilice para restringir derechos civiles y políticos, "
        "como la libertad de expresión en línea. También carece de una perspectiva de género efectiva, lo que "
        "abre la puerta a la persecución de mujeres y personas LGBTQI, como muestra un estudio realizado por "
        "Derechos Digitales y APC.\n\n"
        "Por el contrario, el amplio alcance actual del tratado podría limitar la libertad de expresión al "
        "castigar discursos legítimos con el pretexto de combatir la ciberdelincuencia, como han advertido "
        "reiteradamente organizaciones internacionales de derechos humanos. Además, el acuerdo justifica dotar "
        "a los Estados de mayores capacidades de vigilancia de las actividades en línea y facilita la "
        "cooperación entre Estados para recopilar y compartir información personal de la ciudadanía, sin los "
        "controles necesarios para prevenir abusos, y para investigar delitos “graves” definidos por las leyes "
        "nacionales, aunque contradigan el derecho internacional de los derechos humanos. Esto podría incluir, "
        "por ejemplo, revelar identidades o metadatos personales aplicando leyes nacionales problemáticas a "
        "actos como izar una bandera arcoíris, ser LGBTQ+ o insultar a un monarca en redes sociales.\n\n"
        "En su versión actual, el tratado de ciberdelincuencia, lejos de ser una herramienta que garantice a "
        "las personas mayor seguridad en línea, se ha convertido en una amenaza para el ejercicio de los "
        "derechos humanos, tanto en países con democracias frágiles como en aquellos con una historia de "
        "tecnoautoritarismo.\n\n"
        "Un tratado internacional sobre ciberdelincuencia redactado en la ONU no puede desatender la debida "
        "defensa y promoción de los derechos humanos. Hacemos un llamado a los Estados para que no cometan "
        "este error y, cuando adopten una herramienta para perseguir los delitos informáticos, se aseguren de "
        "que garantice a cada persona el pleno ejercicio de sus derechos fundamentales.\n\n"
        "## ¿Por qué nos oponemos al nuevo tratado internacional sobre ciberdelincuencia?\n\n"
        "- El tratado de ciberdelincuencia que se negocia actualmente en las Naciones Unidas carece de "
        "salvaguardias sólidas de derechos humanos, lo que permitirá invocarlo para perseguir y castigar actos "
        "legítimos, como expresar disidencia política.\n"
        "- El tratado de ciberdelincuencia impulsado por las Naciones Unidas no incorpora de forma efectiva la "
        "perspectiva de género. Esto facilita la criminalización de mujeres y personas LGBTQIA+ y socava la "
        "lucha por la igualdad de derechos.\n"
        "- El tratado de ciberdelincuencia incluye delitos que vulneran la libertad de expresión, como han "
        "advertido diversas organizaciones internacionales. Esto es contrario a la misión de la ONU: no se "
        "puede aprobar un tratado que legitime violaciones de derechos humanos.\n"
        "- El tratado de ciberdelincuencia que se negocia en las Naciones Unidas legitima la vigilancia "
        "gubernamental de las actividades en línea para investigar cualquier delito, informático o no, incluso "
        "si es incompatible con el derecho internacional de los derechos humanos. Facilita la cooperación entre "
        "Estados para recopilar y compartir información personal de la ciudadanía, sin salvaguardias adecuadas "
        "para prevenir el abuso de poder policial.\n"
        "- En su forma actual, el tratado de ciberdelincuencia, lejos de ser una herramienta que garantice a "
        "las personas mayor seguridad en línea, se ha convertido en una amenaza para el ejercicio de los "
        "derechos humanos, en particular en países con democracias frágiles e historias de autoritarismo.\n\n"
        "## ¿Qué requisitos debe cumplir un tratado internacional sobre ciberdelincuencia?\n\n"
        "- Un tratado sobre ciberdelincuencia debe garantizar mayor seguridad en línea para todas las personas, "
        "defendiendo y promoviendo el ejercicio de los derechos humanos.\n"
        "- Un tratado sobre ciberdelincuencia debe tener una perspectiva de género efectiva e interseccional que "
        "atraviese cada uno de sus artículos y garantice que sus normas contribuyan al cumplimiento de los "
        "derechos humanos y a la igualdad de género. Esto incluye disposiciones dirigidas a proteger a personas "
        "históricamente excluidas, como las mujeres y las personas LGBTQI.\n"
        "- Un tratado sobre ciberdelincuencia debe ocuparse específicamente de los delitos informáticos, con "
        "soluciones concretas y útiles para un problema real, en lugar de disposiciones vagas que puedan usarse "
        "para perseguir y espiar a personas por acciones legítimas dentro o fuera de internet.\n"
        "- Un tratado sobre ciberdelincuencia debe limitar los poderes de los gobiernos para vigilar las "
        "actividades en línea, así como para recopilar, procesar y compartir con otros Estados la información "
        "personal de la ciudadanía, a fin de evitar abusos.\n\n"
        "Estas disposiciones son esenciales para cualquier regulación internacional de la ciberdelincuencia, en "
        "particular una redactada en las Naciones Unidas. Sin ellas, el proceso no debe continuar."
    ),
    # Seed 003's introduction to its call to action, addressing the reader as “usted” as the site does.
    "actions_intro": (
        "¡Necesitamos su ayuda! En esta etapa del proceso es fundamental para difundir información y crear "
        "conciencia sobre los peligros que representa el tratado de ciberdelincuencia en su forma actual, y "
        "sobre la necesidad de que incorpore una sólida perspectiva de derechos humanos. Para ello, puede:"
    ),
}

JOINT_STATEMENT = {
    "title": (
        "La Convención de la ONU sobre Ciberdelincuencia no debe convertirse en una herramienta para socavar "
        "las normas internacionales de derechos humanos"
    ),
    "summary": (
        "Las organizaciones firmantes subrayan que la Convención solo debe seguir adelante si persigue el "
        "objetivo específico de combatir la ciberdelincuencia sin poner en peligro los derechos humanos y las "
        "libertades fundamentales de las personas a las que pretende proteger, ni socavar los esfuerzos por "
        "mejorar la ciberseguridad en favor de una internet abierta."
    ),
    # The letter's own title line (seed 001's third line), then its text.
    "body": (
        "## Declaración conjunta sobre el tratado de ciberdelincuencia propuesto, antes de la sesión de "
        "clausura\n\n"
        "Las organizaciones [y personas expertas] abajo firmantes hacemos un llamado a las delegaciones de los "
        "Estados que participan en la sesión de clausura del Comité Especial de las Naciones Unidas (ONU) para "
        "que garanticen que la Convención sobre Ciberdelincuencia propuesta (la Convención) se centre "
        "estrictamente en combatir la ciberdelincuencia y no se utilice como herramienta para socavar los "
        "derechos humanos. Si no se introducen cambios significativos que subsanen estas deficiencias, la "
        "Convención debe ser rechazada.\n\n"
        "Los grupos de la sociedad civil han aportado tiempo y conocimientos para mejorar el borrador y "
        "alinearlo plenamente con el derecho y las normas de derechos humanos vigentes, los principios de la "
        "Carta de la ONU y el Estado de derecho, así como con las mejores prácticas para ofrecer seguridad "
        "jurídica en los esfuerzos por mejorar la ciberseguridad. Nuestras preocupaciones sobre el texto "
        "propuesto de la Convención se basan en nuestra experiencia y en nuestro trabajo de defensa de los "
        "derechos humanos en todo el mundo. Lamentablemente, las leyes nacionales y regionales sobre "
        "ciberdelincuencia se utilizan con demasiada frecuencia para perseguir injustamente a periodistas e "
        "investigadores de seguridad, reprimir la disidencia y a los denunciantes, poner en peligro a las "
        "personas defensoras de derechos humanos, limitar la libertad de expresión y justificar medidas "
        "estatales de vigilancia innecesarias y desproporcionadas.\n\n"
        "A lo largo de las negociaciones de los últimos dos años, los grupos de la sociedad civil y otras "
        "partes interesadas han insistido en que la lucha contra la ciberdelincuencia no debe hacerse a costa "
        "de los derechos humanos, la igualdad de género y la dignidad de las personas cuyas vidas se verán "
        "afectadas por esta Convención. No debe obstaculizar la investigación en seguridad ni hacernos a todos "
        "menos seguros. Es imprescindible contar con salvaguardias y limitaciones sólidas y significativas para "
        "evitar que las disposiciones de la Convención se presten a abusos con el pretexto de combatir la "
        "ciberdelincuencia. Lamentablemente, el último borrador de la Convención propuesta, que debe "
        "finalizarse en febrero de 2024, no responde a muchas de nuestras principales preocupaciones. "
        "Creemos que, si el texto de la Convención se aprueba en su forma actual, el riesgo de abusos y de "
        "violaciones de derechos humanos aumentará exponencialmente y nos dejará con una internet menos segura."
    ),
    "concerns_intro": "Nos preocupa especialmente que el último borrador de la Convención:",
    "before_demands": (
        "La Convención solo debe seguir adelante si persigue el objetivo específico de combatir la "
        "ciberdelincuencia sin poner en peligro los derechos humanos y las libertades fundamentales de las "
        "personas a las que pretende proteger, ni socavar los esfuerzos por mejorar la ciberseguridad en favor "
        "de una internet abierta. El borrador actual está muy lejos de este objetivo y de estos requisitos "
        "mínimos básicos, y debe ser revisado a fondo, enmendado o rechazado."
    ),
    "demands_intro": "Por lo tanto, hacemos un llamado a todas las delegaciones de los Estados para que:",
    "closing": (
        "Ahora que el Comité Especial de la ONU celebra su sesión de clausura, instamos a las delegaciones de "
        "los Estados a redoblar sus esfuerzos para subsanar estas graves lagunas del borrador actual. El "
        "resultado final del proceso de negociación del tratado solo debe considerarse aceptable si incorpora "
        "de manera efectiva salvaguardias sólidas y significativas para proteger los derechos humanos, "
        "garantiza la claridad jurídica en favor de la equidad y el debido proceso, y fomenta la cooperación "
        "internacional en el marco del Estado de derecho. La Convención propuesta no debe servir para "
        "legitimar prácticas de intrusión y vigilancia perjudiciales para los derechos humanos.\n\n"
        "Si no se cumplen estos requisitos mínimos, pedimos a las delegaciones de los Estados que rechacen el "
        "proyecto de tratado y no lo remitan a la Asamblea General de la ONU para su adopción."
    ),
}

CONCERNS = [
    (
        "Sigue teniendo un alcance excesivamente amplio en cuanto a las actividades que obliga a los Estados a "
        "tipificar como delito. Incluye delitos facilitados por medios informáticos y otros delitos "
        "relacionados con contenidos, y genera inseguridad jurídica mediante una remisión abierta a delitos "
        "previstos en otras “convenciones y protocolos internacionales aplicables”. Este alcance excesivo crea "
        "el peligro de que la Convención se utilice para criminalizar la expresión legítima en línea, lo que "
        "probablemente tendrá efectos discriminatorios y agravará la desigualdad de género;"
    ),
    (
        "No incorpora un lenguaje suficiente para proteger de una criminalización excesiva a investigadores de "
        "seguridad, denunciantes, activistas y periodistas;"
    ),
    (
        "Contiene referencias insuficientes a las obligaciones de los Estados en virtud del derecho "
        "internacional de los derechos humanos, incluye salvaguardias nacionales de derechos humanos débiles en "
        "su capítulo de procedimiento penal y no incorpora de forma explícita salvaguardias sólidas aplicables "
        "a todo el tratado que garanticen que la lucha contra la ciberdelincuencia proteja adecuadamente los "
        "derechos humanos y respete los principios de legalidad, no discriminación, finalidad legítima, "
        "necesidad y proporcionalidad;"
    ),
    (
        "Carece de una incorporación efectiva de la perspectiva de género, fundamental para que la Convención "
        "no se utilice para vulnerar los derechos humanos de las personas por motivos de género;"
    ),
    (
        "Propone crear regímenes jurídicos para vigilar, almacenar y permitir el intercambio transfronterizo de "
        "información de un modo que socavaría la confianza en las comunicaciones seguras y vulneraría las "
        "normas internacionales de derechos humanos, incluidos el requisito de autorización judicial previa y "
        "los principios de legalidad, no discriminación, finalidad legítima, necesidad y proporcionalidad;"
    ),
    (
        "Permite un intercambio excesivo de información para la cooperación policial, más allá del ámbito de "
        "investigaciones penales concretas y sin salvaguardias específicas y explícitas de protección de datos "
        "y de derechos humanos."
    ),
]

DEMANDS = [
    (
        "Limiten el alcance de toda la Convención a los delitos ciberdependientes definidos específicamente e "
        "incluidos en su texto;"
    ),
    (
        "Se aseguren de que la Convención incluya disposiciones que garanticen que investigadores de "
        "seguridad, denunciantes, periodistas y personas defensoras de derechos humanos no sean procesados por "
        "sus actividades legítimas y que se protejan otras actividades de interés público;"
    ),
    (
        "Garanticen que normas explícitas de protección de datos y de derechos humanos —incluidos los "
        "principios de no discriminación, legalidad, finalidad legítima, necesidad y proporcionalidad— se "
        "apliquen a toda la Convención. Deben establecerse salvaguardias específicas y explícitas, como el "
        "principio de autorización judicial previa, para acceder a datos o compartirlos, así como para llevar "
        "a cabo investigaciones y cooperación transfronterizas conforme al Estado de derecho;"
    ),
    (
        "Incorporen la perspectiva de género en toda la Convención y en cada uno de sus artículos en los "
        "esfuerzos por prevenir y combatir la ciberdelincuencia;"
    ),
    (
        "Limiten el ámbito de aplicación de las medidas procesales y de la cooperación internacional a los "
        "delitos ciberdependientes establecidos en el capítulo de penalización de la Convención;"
    ),
    (
        "Eviten respaldar cualquier disposición de vigilancia que pueda utilizarse para socavar la ciberseguridad "
        "y el cifrado."
    ),
]

DEMANDS_ADDRESSED_TO = "todas las delegaciones de los Estados"

TIERS = [
    "Presentada por ONG registradas en virtud de los párrafos dispositivos 8 o 9",
    "Lista completa de firmantes que apoyan la carta",
]
