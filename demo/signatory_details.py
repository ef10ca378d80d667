"""What the seed list does not say about its signatories: kind, country, website.

Organizations are keyed by their entry exactly as it appears in seed 001, so a
test can check that this file and the seed never drift apart. Countries are ISO
3166 alpha-2 codes, given only where the organization's seat is well known: a
wrong country on a public list is worse than none, so regional networks, groups
working from exile and names shared by organizations in several countries have
"". Websites likewise only where the address is well known.
"""

# Entries of the form "Name, Title, Affiliation". Listed by name because nothing in
# the text itself tells "Douwe Korff, Emeritus Professor…" from "Freedom Forum, Nepal".
INDIVIDUAL_NAMES = frozenset({"Douwe Korff", "Valerie Steeves", "Wolfgang Kleinwaechter"})

ORGANIZATIONS = {
    # --- Submitted by NGOs registered under operative paragraphs 8 or 9 ---
    # Legal entities on several continents and no single seat.
    "Access Now": {"country": "", "website": "https://www.accessnow.org"},
    "Association for Progressive Communications (APC)": {"country": "ZA", "website": "https://www.apc.org"},
    "ARTICLE 19": {"country": "GB", "website": "https://www.article19.org"},
    "Center for Democracy and Technology": {"country": "US", "website": "https://cdt.org"},
    "CyberPeace Institute": {"country": "CH", "website": "https://cyberpeaceinstitute.org"},
    "Data Privacy Brasil": {"country": "BR", "website": "https://www.dataprivacybr.org"},
    "Derechos Digitales": {"country": "CL", "website": "https://www.derechosdigitales.org"},
    "Electronic Frontier Foundation": {"country": "US", "website": "https://www.eff.org"},
    "Freedom House": {"country": "US", "website": "https://freedomhouse.org"},
    "Global Partners – Digital": {"country": "GB", "website": "https://www.gp-digital.org"},
    "Hiperderecho": {"country": "PE", "website": "https://hiperderecho.org"},
    "Human Rights Watch": {"country": "US", "website": "https://www.hrw.org"},
    "Instituto Panamericano de Derecho y Tecnologia (IPANDETEC)": {
        "country": "PA",
        "website": "https://www.ipandetec.org",
    },
    "International Commission of Jurists (ICJ)": {"country": "CH", "website": "https://www.icj.org"},
    "Jokkolabs Banjul": {"country": "GM", "website": ""},
    "Jonction – Senegal": {"country": "SN", "website": ""},
    "Kenya ICT Action Network (KICTANet)": {"country": "KE", "website": "https://www.kictanet.or.ke"},
    "Privacy International": {"country": "GB", "website": "https://privacyinternational.org"},
    "R3D: Red en Defensa de los Derechos Digitales": {"country": "MX", "website": "https://r3d.mx"},
    "Temple University, Institute for Law, Innovation & Technology (iLIT)": {
        "country": "US",
        "website": "https://law.temple.edu/ilit/",
    },
    # --- Full list of signatories supporting the letter ---
    # Based in Haifa, but a Palestinian organization.
    "7amleh – The Arab Center for the Advancement of Social Media": {"country": "PS", "website": "https://7amleh.org"},
    "ActiveWatch": {"country": "RO", "website": "https://www.activewatch.ro"},
    "Advocacy for Principled Action in Government": {"country": "US", "website": ""},
    "Afghanistan Journalists Center (AFJC)": {"country": "AF", "website": ""},
    "Africa Freedom of Information Centre (AFIC)": {"country": "UG", "website": ""},
    "AfroLeadership": {"country": "CM", "website": ""},
    "Albanian Media Institute": {"country": "AL", "website": ""},
    "Alliance of Independent Journalists Indonesia (AJI)": {"country": "ID", "website": "https://aji.or.id"},
    "Alternatif Bilisim (AiA-Alternative Informatics Association)": {
        "country": "TR",
        "website": "https://www.alternatifbilisim.org",
    },
    # A regional network on Burma working from Bangkok.
    "Alternative ASEAN Network on Burma (ALTSEAN)": {"country": "", "website": "https://www.altsean.org"},
    "Bahrain Center for Human Rights": {"country": "BH", "website": ""},
    "Bangladesh NGOs Network for Radio & Communication (BNNRC)": {"country": "BD", "website": "https://bnnrc.net"},
    "BC Civil Liberties Association (BCCLA)": {"country": "CA", "website": "https://bccla.org"},
    "Bytes for All": {"country": "PK", "website": "https://bytesforall.pk"},
    "Cambodian Center for Human Rights (CCHR)": {"country": "KH", "website": "https://cchrcambodia.org"},
    "Cambodian Centre for Independent Media (CCIM)": {"country": "KH", "website": ""},
    # Founded in the United States; where it is seated today is not certain enough to publish.
    "Cartoonists Rights Network International": {"country": "", "website": "https://cartoonistsrights.org"},
    "Center for Media Freedom and Responsibility": {"country": "PH", "website": "https://cmfr-phil.org"},
    "Centre for Feminist Foreign Policy (CFFP)": {
        "country": "DE",
        "website": "https://centreforfeministforeignpolicy.org",
    },
    "Centre for Free Expression (CFE)": {"country": "CA", "website": ""},
    "Centre for Information Technology and Development (CITAD)": {"country": "NG", "website": "https://citad.org"},
    "Centre for Independent Journalism (Malaysia)": {"country": "MY", "website": "https://cijmalaysia.net"},
    "Chaos Computer Club (CCC)": {"country": "DE", "website": "https://www.ccc.de"},
    "Committee to Protect Journalists": {"country": "US", "website": "https://cpj.org"},
    "Digital Empowerment Foundation": {"country": "IN", "website": "https://www.defindia.org"},
    # Southeast Asian; which country hosts it is not certain enough to publish.
    "DigitalReach": {"country": "", "website": "https://digitalreach.asia"},
    "Digital Rights Foundation": {"country": "PK", "website": "https://digitalrightsfoundation.pk"},
    "Digital Rights Ireland": {"country": "IE", "website": "https://www.digitalrights.ie"},
    # Germany and Switzerland each have a "Digitale Gesellschaft"; the list does not say which.
    "Digitale Gesellschaft": {"country": "", "website": ""},
    "Electronic Privacy Information Center (EPIC)": {"country": "US", "website": "https://epic.org"},
    "Epicenter.works – for digital rights": {"country": "AT", "website": "https://epicenter.works"},
    "European Center for Not-for-Profit Law (ECNL)": {"country": "NL", "website": "https://ecnl.org"},
    "European Digital Rights (EDRi)": {"country": "BE", "website": "https://edri.org"},
    "European Summer School in Internet Governance (EURO-SSIG)": {"country": "DE", "website": ""},
    "Federation of Nepali Journalists": {"country": "NP", "website": ""},
    "Foundation for Media Alternatives": {"country": "PH", "website": "https://fma.ph"},
    "Fundación Karisma": {"country": "CO", "website": "https://web.karisma.org.co"},
    "Fundación Internet Bolivia": {"country": "BO", "website": "https://internetbolivia.org"},
    "Foundation for Information Policy Research": {"country": "GB", "website": "https://www.fipr.org"},
    "Freedom Forum, Nepal": {"country": "NP", "website": ""},
    "Free Media Movement – Sri Lanka": {"country": "LK", "website": ""},
    "Globe International Center": {"country": "MN", "website": ""},
    "Government Information Watch": {"country": "", "website": ""},
    # Works on the Gulf states from outside them; its seat is not certain enough to publish.
    "Gulf Center for Human Rights (GCHR)": {"country": "", "website": "https://www.gc4hr.org"},
    "Human Rights Network for Journalists-Uganda (HRNJ-U)": {"country": "UG", "website": ""},
    "IFoX (Initiative for Freedom of Expression–Turkey)": {"country": "TR", "website": ""},
    "Independent Journalism Center Moldova": {"country": "MD", "website": ""},
    "International Civil Liberties Monitoring Group (ICLMG)": {"country": "CA", "website": "https://iclmg.ca"},
    "International Federation of Human Rights (FIDH)": {"country": "FR", "website": "https://www.fidh.org"},
    "International Press Institute (IPI)": {"country": "AT", "website": "https://ipi.media"},
    "International Press Centre (IPC) Lagos-Nigeria": {"country": "NG", "website": ""},
    "Institute for Research on Internet and Society (IRIS)": {"country": "BR", "website": "https://irisbh.com.br"},
    "Instituto de Pesquisa em Direito e Tecnologia do Recife – IP.rec": {
        "country": "BR",
        "website": "https://ip.rec.br",
    },
    "Instituto Nupef": {"country": "BR", "website": "https://nupef.org.br"},
    "IT-Pol Denmark": {"country": "DK", "website": "https://itpol.dk"},
    "Japan Computer Access Network (JCA-NET)": {"country": "JP", "website": ""},
    "Jinbonet (Korean Progressive Network Center)": {"country": "KR", "website": "https://www.jinbo.net"},
    "Laboratory of Public Policy and Internet – LAPIN": {"country": "BR", "website": "https://lapin.org.br"},
    "LaLibre.net Tecnologías Comunitarias": {"country": "EC", "website": "https://lalibre.net"},
    "Ligue des droits de l’Homme (LDH)": {"country": "FR", "website": "https://www.ldh-france.org"},
    "Maharat Foundation": {"country": "LB", "website": "https://maharatfoundation.org"},
    "Media Foundation for West Africa (MFWA)": {"country": "GH", "website": "https://www.mfwa.org"},
    "Media Rights Agenda (MRA)": {"country": "NG", "website": "https://mediarightsagenda.org"},
    # A regional institute whose secretariat has moved between member countries.
    "Media Institute of Southern Africa (MISA)": {"country": "", "website": "https://misa.org"},
    "Media Policy Institute": {"country": "KG", "website": ""},
    # Several organizations in different countries share this name.
    "Media Watch": {"country": "", "website": ""},
    "Metamorphosis Foundation": {"country": "MK", "website": "https://metamorphosis.org.mk"},
    "Mizzima": {"country": "MM", "website": "https://mizzima.com"},
    "OpenMedia": {"country": "CA", "website": "https://openmedia.org"},
    "Pakistan Press Foundation": {"country": "PK", "website": "https://www.pakistanpressfoundation.org"},
    "Palestinian Center for Development & Media Freedoms (MADA)": {
        "country": "PS",
        "website": "https://www.madacenter.org",
    },
    "Paradigm Initiative (PIN)": {"country": "NG", "website": "https://paradigmhq.org"},
    "PEN International": {"country": "GB", "website": "https://www.pen-international.org"},
    "Restore the Fourth": {"country": "US", "website": "https://restorethe4th.com"},
    "Social Media Exchange (SMEX)": {"country": "LB", "website": "https://smex.org"},
    "SocialTIC": {"country": "MX", "website": "https://socialtic.org"},
    "South East Europe Media Organisation (SEEMO)": {"country": "AT", "website": "https://seemo.org"},
    # A regional network of media institutes.
    "South East European Network for Professionalization of Media (SEENPM)": {"country": "", "website": ""},
    "Southeast Asia Freedom of Expression Network (SAFEnet)": {"country": "ID", "website": "https://safenet.or.id"},
    "Statewatch": {"country": "GB", "website": "https://www.statewatch.org"},
    "Surveillance Resistance Lab": {"country": "US", "website": "https://surveillanceresistancelab.org"},
    "Surveillance Technology Oversight Project (STOP)": {"country": "US", "website": "https://www.stopspying.org"},
    # Works inside Syria and from exile.
    "Syrian Center for Media and Freedom of Expression": {"country": "", "website": "https://scm.bz"},
    "TEDIC": {"country": "PY", "website": "https://www.tedic.org"},
    "The Tor Project": {"country": "US", "website": "https://www.torproject.org"},
    "Unwanted Witness": {"country": "UG", "website": "https://www.unwantedwitness.org"},
    "Vigilance for Democracy and the Civic State": {"country": "TN", "website": ""},
}
