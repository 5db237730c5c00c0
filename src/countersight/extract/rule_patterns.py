"""The regular expressions of the 0.2 rules (``rules.py``): supply, negative, planned, cancelled
and denied language, amounts, and the words between a country and a vendor that make the
country an origin, a buyer or a venue (English, Spanish, French, Portuguese)."""

from __future__ import annotations

import re

# Supply language: who supplied, sold, installed, built, won a contract ... (en, es, fr, pt).
_SUPPLY_STRONG = re.compile(
    r"\b(suppl(?:y|ies|ied|ying)|sold|sells?|selling|sale of|install(?:s|ed|ing|ation|ations)?|"
    r"deploy(?:s|ed|ing|ment|ments)?|provid(?:e|es|ed|ing)|built|builds?|building|"
    r"deliver(?:s|ed|ing|y)?|contract(?:s|ed)?|signed|purchas(?:e|es|ed|ing)|bought|buys?|"
    r"buying|acquir(?:e|ed|es|ing)|procur(?:e|ed|es|ing|ement)|roll(?:ed|s|ing)? out|rollout|"
    r"roll-out|implement(?:s|ed|ing|ation)?|equip(?:s|ped|ping)?|won|wins?|awarded|tender|"
    r"export(?:s|ed|ing)?|import(?:s|ed|ing)?|ship(?:s|ped)|donat(?:e|ed|es|ion)|gifted|financ(?:e|ed|ing)|funded|"
    r"set up|sets up|setting up|fitted|upgrad(?:e|ed|ing)|commissioned|powered by|"
    r"developed (?:for|by)|hired|licen[cs]ed|receiv(?:e|es|ed|ing)\b[^.;]{0,80}?\bfrom|"
    r"t(?:ake|akes|ook|aking) delivery|"
    r"suministr\w*|vendi\w*|vendió|instal\w*|despleg\w*|desplieg\w*|proporcion\w*|provey\w*|"
    r"adquiri\w*|adquir\w*|compró|compra\w*|contrat\w*|fourni\w*|fournit|livr\w*|déploy\w*|"
    r"achet\w*|acquis|vendu\w*|forneceu|fornec\w*|vendeu|implant\w*|entreg\w*)\b",
    re.I,
)
_SUPPLY_WEAK = re.compile(
    r"\b(us(?:e|es|ed|ing)|relie[sd] on|rely on|deal|agreement|project|programme|program|"
    r"partner(?:ed|ship|s)?|operat(?:e|es|ed|ing)|run by|system|platform|technology from|"
    r"connect(?:ed|ing)|"
    r"utilis\w*|utiliz\w*|usa\w*|proyecto|projet|projeto|accord|acuerdo|acordo)\b",
    re.I,
)
# Sentences about sanctions, markets, bans or products, not about a buyer.
_NEGATIVE = re.compile(
    r"\b(sanction\w*|entity list|blacklist\w*|black-list\w*|earnings|quarterly|revenues?|"
    r"profits?|net income|shares? (?:rose|fell|price)|stock|IPO|market share|banned|bans?|"
    r"fined|lawsuit|sued|export controls?|restrictions? on|unveil\w*|launch(?:ed|es)? (?:a|its) new|"
    r"new (?:product|model|line)|trade (?:show|fair)|exhibition|expo|investors?|shareholders?|"
    r"valuation|funding round|layoffs?|job cuts|pitch(?:es|ed|ing)? (?:its|their|the)|sales pitch)\b",
    re.I,
)
_PLANNED = re.compile(
    r"\b(plan(?:s|ned|ning)? to|will (?:be )?(?:\w+\s+){0,3}?(?:supply|install|build|deploy|provide|"
    r"deliver|roll|equip|set up)|will see|"
    r"to be (?:installed|built|deployed|supplied|delivered)|agreed to|memorandum|MoU|MOU|"
    r"proposed|propos(?:al|es)|bid(?:s|ding)? (?:for|to)|in talks|negotiat\w*|"
    r"letter of intent|framework agreement|is set to|are set to|intends? to|would (?:supply|install|"
    r"build|provide)|prevé|prévu\w*|planea|prevê|memorando|protocole d'accord|"
    r"(?:vai|vão|irá|irão|va a|van a|va|vont) (?:adquirir|comprar|instalar|fornecer|implantar|"
    r"acheter|installer|déployer|fournir|acquérir))\b",
    re.I,
)
_CANCELLED = re.compile(
    r"\b(cancel(?:l?ed|s|ling|lation)?|scrap(?:ped|s)|shelved|terminat(?:ed|es|ion)|"
    r"suspend(?:ed|s)|halted|abandon(?:ed)?|pulled out|called off|annul\w*|rescind\w*|"
    r"cancel(?:ó|ado|ada|é|ée)|anul\w*)\b",
    re.I,
)
_DENIED = re.compile(
    r"\b(den(?:y|ied|ies|ying)|refut\w*|dismiss(?:ed|es) (?:the )?(?:report|claim|allegation)s?|"
    r"rejected (?:the )?(?:report|claim|allegation)s?|never (?:sold|supplied|provided|installed)|"
    r"(?:has|have|had) not (?:sold|supplied|provided|installed|used)|"
    r"(?:did|does|do) not (?:sell|supply|provide|install|use)|"
    r"(?:hasn't|haven't|hadn't|didn't) (?:sold|supplied|provided|installed|used|use|sell|supply)|"
    r"negó|niega|negaron|dément\w*|negou|negaram|nega|negato|negata|negati)\b",
    re.I,
)
_YEAR = re.compile(r"\b(199\d|20[0-3]\d)\b")
_AMOUNT = re.compile(
    r"(?P<cur>US\$|USD|\$|€|EUR|£|GBP|¥|RMB|CNY|KES|Ksh)\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<mult>million|billion|bn|mn|m)?\b"
    r"|(?P<num2>\d[\d,]*(?:\.\d+)?)\s?(?P<mult2>million|billion|bn)\s(?:US\s)?"
    r"(?P<cur2>dollars|yuan|renminbi|euros|pounds|shillings|rupees)",
    re.I,
)
_CURRENCY = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "kes": "KES",
    "ksh": "KES",
    "dollars": "USD",
    "yuan": "CNY",
    "renminbi": "CNY",
    "euros": "EUR",
    "pounds": "GBP",
    "shillings": "KES",
    "rupees": "INR",
}
_MULT = {"million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}

# Words between a country and a vendor that make the country the vendor's origin:
# "the Chinese telecom giant Huawei", "Japanese firm NEC", "China's ZTE".
_ORIGIN_GAP = re.compile(
    r"^(?:['’]s)?(?:[\s,-]+(?:the|a|an|state-owned|owned|based|-based|firm|firms|company|companies|"
    r"giant|telecom|telecoms|tech|technology|technologies|vendor|vendors|manufacturer|maker|"
    r"makers|supplier|suppliers|group|camera|surveillance|equipment|AI|start-up|startup|"
    r"conglomerate|contractor|contractors|multinational|electronics|security|biometrics?|"
    r"spyware|software|video|defence|defense|partner|partners|and|its|subsidiary))*[\s,-]*$",
    re.I,
)
_COMPANY_NOUN = re.compile(
    r"^[\s-]*(?:state-owned\s+|tech\s+|technology\s+|telecom\s+|surveillance\s+|security\s+|"
    r"AI\s+|camera\s+|spyware\s+)?(?:firms?|compan(?:y|ies)|giants?|vendors?|manufacturers?|"
    r"makers?|suppliers?|contractors?|corporations?|conglomerates?|start-?ups?|-based|based)\b",
    re.I,
)
_COUNTRY_SUPPLIER_VERB = re.compile(
    r"^(?:['’]s\s+(?:government|state)\s+)?\s*(?:has|have|had|also|reportedly|itself|\s)*"
    r"(?:sold|supplied|exported|provided|delivered|installed|built|financed|donated|offered|"
    r"gifted|funded|helped (?:build|install)|is (?:selling|supplying|exporting))\b",
    re.I,
)
_LOCATIVE = re.compile(
    r"\b(?:in|to|across|throughout|for|into|within|inside|around|at|on|en|au|aux|em|no|na|dans|"
    r"para|pour|a|à|al)\s+(?:the\s+|a\s+|an\s+|la\s+|le\s+|el\s+|o\s+)?"
    r"(?:[\w'’.-]+\s+){0,2}$",
    re.I,
)
# "de"/"da" are left out: in Spanish, French and Portuguese they mark places too ("polícia de Angola").
_FROM = re.compile(r"\b(?:from|by|desde|par)\s+(?:the\s+)?$", re.I)
# "installed by the Mongolian police": the buyer, not the supplier's origin ("financed by the
# Chinese government" stays an origin).
_BOUGHT_BY = re.compile(
    r"\b(?:installed|bought|purchased|deployed|used|acquired|procured|operated|run|ordered|"
    r"commissioned|adopted)\s+by\s+(?:the\s+)?$",
    re.I,
)
_GOV_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:national\s+|federal\s+|state\s+|city\s+|municipal\s+|central\s+)?"
    r"(?:government|police|authorities|ministry|ministries|army|military|state|officials|"
    r"interior|security|intelligence|regime|capital|city|cities|council|gendarmerie|"
    r"electoral|customs|border|immigration|agencies|agency|forces|public|Ministry|Police|"
    r"Government|National|Federal|Armed|Department|Interior|Electoral|Officials?)\b",
)
_BUYER_VERB = re.compile(
    r"^(?:['’]s\s+\w+\s+)?\s*(?:has|have|had|also|reportedly|recently|\s)*(?:bought|purchased|"
    r"acquired|signed|awarded|contracted|hired|deployed|installed|uses|used|procured|ordered|"
    r"adopted|rolled out|turned to|chose)\b",
    re.I,
)
_ACQUIRED = re.compile(
    r"\b(?:bought|purchased|acquired|imported|procured|supplied|provided|financed|funded|built|"
    r"installed|sold)\b",
    re.I,
)
_VENUE = re.compile(
    r"\b(?:conference|summit|forum|fair|expo|exhibition|convention|congress|symposium|meeting|"
    r"show|trip|visit|tour)\s+(?:held\s+|hosted\s+)?(?:in|at)\s+(?:the\s+)?$",
    re.I,
)
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|y|et|e)\s+|;\s*)$", re.I)
