"""The demo campaign's Spanish version: the joint statement, its concerns, demands and tiers.

The coalitions in the seeds work in Spanish, Portuguese, French and Arabic; the demo
ships one full translation so that the language fallback and the translated page can
be seen side by side (``/es/…`` translated, ``/fr/…`` shown in the original English).
Concerns and demands are listed in the seed's order.
"""

CAMPAIGN_ES = {
    "name": "Convención de la ONU sobre Ciberdelincuencia",
    "summary": (
        "En febrero de 2024, tras tres años de negociaciones, las Naciones Unidas (ONU) presentarán un nuevo "
        "tratado internacional para combatir la ciberdelincuencia. Sin embargo, organizaciones expertas y "
        "activistas de todo el mundo advierten que el documento contiene graves defectos que podrían usarse "
        "para justificar abusos contra los derechos humanos. Con poco tiempo antes del cierre de las "
        "negociaciones, los Estados no han logrado asegurar un conjunto de requisitos mínimos para que el "
        "acuerdo garantice la convivencia democrática y el respeto de los derechos fundamentales."
    ),
}

JOINT_STATEMENT_ES = {
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
    "body": (
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

CONCERNS_ES = [
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

DEMANDS_ES = [
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

DEMANDS_ADDRESSED_TO_ES = "todas las delegaciones de los Estados"

TIERS_ES = [
    "Presentada por ONG registradas en virtud de los párrafos dispositivos 8 o 9",
    "Lista completa de firmantes que apoyan la carta",
]
