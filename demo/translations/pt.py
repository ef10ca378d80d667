"""Portuguese: the demo campaign, its joint statement, the concerns, demands and tiers."""

CAMPAIGN = {
    "name": "Convenção da ONU sobre Cibercrime",
    # The campaign page's headline (seed 003's first line).
    "summary": "O novo tratado internacional sobre cibercrime não vai nos proteger: ele põe nossos direitos em perigo",
    "description": (
        "Em fevereiro de 2024, após três anos de negociações, a Organização das Nações Unidas (ONU) apresentará "
        "um novo tratado internacional de combate ao cibercrime. No entanto, organizações especializadas e "
        "ativistas do mundo todo alertam que o documento contém falhas graves, que poderiam ser usadas para "
        "justificar abusos contra os direitos humanos. Com pouco tempo antes do fim das negociações, os Estados "
        "não conseguiram assegurar um conjunto de requisitos mínimos para que o acordo garanta a convivência "
        "democrática e o respeito aos direitos fundamentais.\n\n"
        "O tratado erra em vários pontos. Na forma atual, o acordo carece de salvaguardas de direitos humanos "
        "suficientes para impedir que seja usado para restringir direitos civis e políticos, como a liberdade "
        "de expressão na internet. Também lhe falta uma perspectiva de gênero efetiva, o que abre as portas à "
        "perseguição de mulheres e pessoas LGBTQI, como mostra um estudo realizado pela Derechos Digitales e "
        "pela APC.\n\n"
        "Pelo contrário, o amplo alcance atual do tratado poderia limitar a liberdade de expressão ao punir "
        "discursos legítimos a pretexto de combater o cibercrime, como organizações internacionais de direitos "
        "humanos têm alertado repetidamente. Além disso, o acordo justifica dar aos Estados maior capacidade de "
        "vigilância das atividades on-line e facilita a cooperação entre Estados para coletar e compartilhar "
        "informações pessoais da população, sem os controles necessários para prevenir abusos, e para "
        "investigar crimes “graves” definidos pelas leis nacionais, mesmo que contrariem o direito "
        "internacional dos direitos humanos. Isso poderia incluir, por exemplo, revelar identidades ou "
        "metadados pessoais aplicando leis nacionais problemáticas a atos como erguer uma bandeira do arco-íris, "
        "ser LGBTQ+ ou insultar um monarca nas redes sociais.\n\n"
        "Em sua versão atual, o tratado sobre cibercrime, longe de ser uma ferramenta que garanta às pessoas "
        "mais segurança on-line, tornou-se uma ameaça ao exercício dos direitos humanos, tanto em países com "
        "democracias frágeis quanto naqueles com histórico de tecnoautoritarismo.\n\n"
        "Um tratado internacional sobre cibercrime redigido na ONU não pode deixar de lado a devida defesa e "
        "promoção dos direitos humanos. Fazemos um apelo aos Estados para que não cometam esse erro e, ao "
        "adotarem uma ferramenta para perseguir crimes informáticos, garantam a cada pessoa o pleno exercício "
        "de seus direitos fundamentais.\n\n"
        "## Por que nos opomos ao novo tratado internacional sobre cibercrime?\n\n"
        "- O tratado sobre cibercrime que está sendo negociado nas Nações Unidas carece de salvaguardas sólidas "
        "de direitos humanos, o que permitirá invocá-lo para perseguir e punir atos legítimos, como expressar "
        "dissidência política.\n"
        "- O tratado sobre cibercrime promovido pelas Nações Unidas não incorpora de forma efetiva a "
        "perspectiva de gênero. Isso facilita a criminalização de mulheres e pessoas LGBTQIA+ e enfraquece a "
        "luta pela igualdade de direitos.\n"
        "- O tratado sobre cibercrime inclui crimes que violam a liberdade de expressão, como alertaram diversas "
        "organizações internacionais. Isso contraria a missão da ONU: não se pode aprovar um tratado que "
        "legitime violações de direitos humanos.\n"
        "- O tratado sobre cibercrime negociado nas Nações Unidas legitima a vigilância governamental das "
        "atividades on-line para investigar qualquer crime, informático ou não, mesmo que incompatível com o "
        "direito internacional dos direitos humanos. Facilita a cooperação entre Estados para coletar e "
        "compartilhar informações pessoais da população, sem salvaguardas adequadas para prevenir o abuso de "
        "poder policial.\n"
        "- Na forma atual, o tratado sobre cibercrime, longe de ser uma ferramenta que garanta às pessoas mais "
        "segurança on-line, tornou-se uma ameaça ao exercício dos direitos humanos, sobretudo em países com "
        "democracias frágeis e histórico de autoritarismo.\n\n"
        "## Que requisitos um tratado internacional sobre cibercrime deve cumprir?\n\n"
        "- Um tratado sobre cibercrime deve garantir mais segurança on-line para todas as pessoas, defendendo e "
        "promovendo o exercício dos direitos humanos.\n"
        "- Um tratado sobre cibercrime deve ter uma perspectiva de gênero efetiva e interseccional, presente em "
        "cada um de seus artigos, que garanta que suas normas contribuam para a realização dos direitos "
        "humanos e para a igualdade de gênero. Isso inclui disposições voltadas à proteção de pessoas "
        "historicamente excluídas, como as mulheres e as pessoas LGBTQI.\n"
        "- Um tratado sobre cibercrime deve tratar especificamente dos crimes informáticos, com soluções "
        "concretas e úteis para um problema real, em vez de disposições vagas que possam ser usadas para "
        "perseguir e espionar pessoas por ações legítimas dentro ou fora da internet.\n"
        "- Um tratado sobre cibercrime deve limitar os poderes dos governos para vigiar as atividades on-line, "
        "bem como para coletar, tratar e compartilhar com outros Estados as informações pessoais da população, "
        "a fim de evitar abusos.\n\n"
        "Essas disposições são essenciais para qualquer regulação internacional do cibercrime, sobretudo uma "
        "redigida nas Nações Unidas. Sem elas, o processo não deve continuar."
    ),
    # Seed 003's introduction to its call to action, addressing the reader as “você” as the site does.
    "actions_intro": (
        "Precisamos de você! Nesta etapa do processo, sua ajuda é fundamental para divulgar informações e "
        "conscientizar sobre os perigos que o tratado sobre cibercrime representa na forma atual, e sobre a "
        "necessidade de que ele incorpore uma sólida perspectiva de direitos humanos. Para isso, você pode:"
    ),
}

JOINT_STATEMENT = {
    "title": (
        "A Convenção da ONU sobre Cibercrime não deve se tornar uma ferramenta para minar as normas "
        "internacionais de direitos humanos"
    ),
    "summary": (
        "As organizações signatárias ressaltam que a Convenção só deve seguir adiante se perseguir o objetivo "
        "específico de combater o cibercrime sem pôr em risco os direitos humanos e as liberdades fundamentais "
        "das pessoas que pretende proteger, nem prejudicar os esforços para melhorar a cibersegurança em favor "
        "de uma internet aberta."
    ),
    # The letter's own title line (seed 001's third line), then its text.
    "body": (
        "## Declaração conjunta sobre a proposta de tratado sobre cibercrime, antes da sessão de encerramento\n\n"
        "Nós, as organizações [e especialistas] abaixo assinadas, apelamos às delegações dos Estados que "
        "participam da sessão de encerramento do Comitê Ad Hoc das Nações Unidas (ONU) para que garantam que a "
        "proposta de Convenção sobre Cibercrime (a Convenção) se concentre estritamente no combate ao "
        "cibercrime e não seja usada como ferramenta para minar os direitos humanos. Sem mudanças significativas "
        "que corrijam essas deficiências, a Convenção deve ser rejeitada.\n\n"
        "Grupos da sociedade civil dedicaram tempo e conhecimento para melhorar o projeto e alinhá-lo "
        "plenamente ao direito e às normas de direitos humanos vigentes, aos princípios da Carta da ONU e ao "
        "Estado de direito, bem como às melhores práticas para oferecer segurança jurídica aos esforços de "
        "melhoria da cibersegurança. Nossas preocupações com o texto proposto da Convenção se baseiam em nossa "
        "experiência e em nossa atuação em defesa dos direitos humanos no mundo todo. Infelizmente, leis "
        "nacionais e regionais sobre cibercrime são usadas com muita frequência para perseguir injustamente "
        "jornalistas e pesquisadores de segurança, reprimir a dissidência e denunciantes, pôr em perigo "
        "defensoras e defensores de direitos humanos, limitar a liberdade de expressão e justificar medidas de "
        "vigilância estatal desnecessárias e desproporcionais.\n\n"
        "Ao longo das negociações dos últimos dois anos, grupos da sociedade civil e outras partes interessadas "
        "insistiram que o combate ao cibercrime não pode ser feito à custa dos direitos humanos, da igualdade "
        "de gênero e da dignidade das pessoas cujas vidas serão afetadas por esta Convenção. Ele não deve "
        "dificultar a pesquisa em segurança nem deixar todos nós menos seguros. Salvaguardas e limites sólidos "
        "e significativos são essenciais para evitar que as disposições da Convenção se prestem a abusos a "
        "pretexto de combater o cibercrime. Infelizmente, o projeto mais recente da Convenção proposta, que deve "
        "ser finalizado até fevereiro de 2024, não responde a muitas de nossas principais preocupações. "
        "Acreditamos que, se o texto da Convenção for aprovado na forma atual, o risco de abusos e de violações "
        "de direitos humanos aumentará exponencialmente e nos deixará com uma internet menos segura."
    ),
    "concerns_intro": "Preocupa-nos especialmente que o projeto mais recente da Convenção:",
    "before_demands": (
        "A Convenção só deve seguir adiante se perseguir o objetivo específico de combater o cibercrime sem pôr "
        "em risco os direitos humanos e as liberdades fundamentais das pessoas que pretende proteger, nem "
        "prejudicar os esforços para melhorar a cibersegurança em favor de uma internet aberta. O projeto atual "
        "está muito longe desse objetivo e desses requisitos mínimos básicos, e deve ser revisto a fundo, "
        "emendado ou rejeitado."
    ),
    "demands_intro": "Por isso, apelamos a todas as delegações dos Estados para que:",
    "closing": (
        "Agora que o Comitê Ad Hoc da ONU realiza sua sessão de encerramento, instamos as delegações dos Estados "
        "a redobrar seus esforços para sanar essas lacunas graves do projeto atual. O resultado final da "
        "negociação do tratado só deve ser considerado aceitável se incorporar de forma efetiva salvaguardas "
        "sólidas e significativas de proteção dos direitos humanos, garantir clareza jurídica em favor da "
        "equidade e do devido processo legal e promover a cooperação internacional no âmbito do Estado de "
        "direito. A proposta de Convenção não deve servir para validar práticas de intrusão e vigilância "
        "prejudiciais aos direitos humanos.\n\n"
        "Se esses requisitos mínimos não forem cumpridos, pedimos às delegações dos Estados que rejeitem o "
        "projeto de tratado e não o encaminhem à Assembleia Geral da ONU para adoção."
    ),
}

CONCERNS = [
    (
        "Continua excessivamente amplo quanto às atividades que obriga os Estados a criminalizar. Inclui crimes "
        "facilitados por meios informáticos e outros crimes relacionados a conteúdo, e gera insegurança "
        "jurídica com uma remissão aberta a crimes previstos em outras “convenções e protocolos internacionais "
        "aplicáveis”. Esse alcance excessivo cria o perigo de que a Convenção seja usada para criminalizar a "
        "expressão legítima on-line, o que provavelmente terá efeitos discriminatórios e aprofundará a "
        "desigualdade de gênero;"
    ),
    (
        "Não incorpora linguagem suficiente para proteger pesquisadores de segurança, denunciantes, ativistas e "
        "jornalistas contra a criminalização excessiva;"
    ),
    (
        "Faz referências insuficientes às obrigações dos Estados perante o direito internacional dos direitos "
        "humanos, inclui salvaguardas nacionais de direitos humanos frágeis em seu capítulo de processo penal e "
        "não incorpora explicitamente salvaguardas sólidas, aplicáveis a todo o tratado, que garantam que o "
        "combate ao cibercrime proteja adequadamente os direitos humanos e respeite os princípios da "
        "legalidade, da não discriminação, da finalidade legítima, da necessidade e da proporcionalidade;"
    ),
    (
        "Carece de uma incorporação efetiva da perspectiva de gênero, fundamental para que a Convenção não seja "
        "usada para violar os direitos humanos das pessoas em razão do gênero;"
    ),
    (
        "Propõe criar regimes jurídicos para monitorar, armazenar e permitir o compartilhamento transfronteiriço "
        "de informações de um modo que minaria a confiança nas comunicações seguras e violaria as normas "
        "internacionais de direitos humanos, incluindo a exigência de autorização judicial prévia e os "
        "princípios da legalidade, da não discriminação, da finalidade legítima, da necessidade e da "
        "proporcionalidade;"
    ),
    (
        "Permite o compartilhamento excessivo de informações para a cooperação policial, além do âmbito de "
        "investigações criminais específicas e sem salvaguardas específicas e explícitas de proteção de dados e "
        "de direitos humanos."
    ),
]

DEMANDS = [
    (
        "Limitem o alcance de toda a Convenção aos crimes cibernéticos próprios "
        "especificamente definidos e incluídos em seu texto;"
    ),
    (
        "Assegurem que a Convenção inclua disposições que garantam que pesquisadores de segurança, denunciantes, "
        "jornalistas e defensoras e defensores de direitos humanos não sejam processados por suas atividades "
        "legítimas e que outras atividades de interesse público sejam protegidas;"
    ),
    (
        "Garantam que normas explícitas de proteção de dados e de direitos humanos — incluindo os princípios da "
        "não discriminação, da legalidade, da finalidade legítima, da necessidade e da proporcionalidade — se "
        "apliquem a toda a Convenção. Devem ser estabelecidas salvaguardas específicas e explícitas, como o "
        "princípio da autorização judicial prévia, para o acesso a dados e seu compartilhamento, bem como para "
        "a realização de investigações e cooperação transfronteiriças conforme o Estado de direito;"
    ),
    (
        "Incorporem a perspectiva de gênero em toda a Convenção e em cada um de seus artigos, nos esforços para "
        "prevenir e combater o cibercrime;"
    ),
    (
        "Limitem o âmbito de aplicação das medidas processuais e da cooperação internacional aos crimes "
        "cibernéticos próprios estabelecidos no capítulo de criminalização da Convenção;"
    ),
    (
        "Evitem endossar qualquer disposição de vigilância que possa ser usada para minar a cibersegurança e a "
        "criptografia."
    ),
]

DEMANDS_ADDRESSED_TO = "todas as delegações dos Estados"

TIERS = [
    "Apresentada por ONGs registradas nos termos dos parágrafos operativos 8 ou 9",
    "Lista completa de signatários que apoiam a carta",
]
