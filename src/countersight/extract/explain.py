"""Feature names in a reviewer's words (``extract --explain``, the API's evidence, the dashboard)."""

from __future__ import annotations

_PLAIN = {
    "sk=vendor": "the supplier is a company in the vendor registry",
    "sk=org": "the supplier is an organisation the registry does not know",
    "sk=country": "the supplier is named only as a country",
    "sk=company": "the supplier is a company",
    "gov=True": "a government or police follows the recipient",
    "gov=False": "no government or police follows the recipient",
    "sk=demonym": "the supplier is named only by nationality ('Chinese firms')",
    "rk=country": "the recipient is named as a country",
    "rk=city": "the recipient is named by a city",
    "rk=region": "the recipient is named by a region of it ('in Texas', 'en Jujuy')",
    "rk=demonym": "the recipient is named by nationality ('Kenyan police')",
    "win=same": "supplier and recipient are in the same sentence",
    "win=prev": "the recipient is in the sentence before",
    "win=next": "the recipient is in the sentence after",
    "win=headline": "the recipient is in the headline",
    "win=paragraph": "the recipient is elsewhere in the paragraph",
    "win=nearby": "the recipient is in a nearby paragraph",
    "sent_supply": "the sentence has supply language (sold, installed, contract ...)",
    "sent_negative": "the sentence is about sanctions, markets, bans or victims",
    "sent_planned": "the sentence speaks of a plan or agreement",
    "sent_cancelled": "the sentence speaks of a cancellation",
    "sent_denied": "the sentence reports a denial",
    "sent_tech": "the sentence names a surveillance technology",
    "sent_product_no_tech": "the sentence names another product (5G, cables ...) and no surveillance technology",
    "near_tech": "the sentence or a neighbouring one names a surveillance technology",
    "doc_no_tech": "the document names no surveillance technology",
    "r_locative": "the recipient follows 'in', 'to', 'for' ...",
    "r_government_after": "the recipient is followed by a government, police or ministry",
    "r_possessive": "the recipient is possessive ('Kenya's ...')",
    "r_company_after": "the country is the supplier's origin ('Chinese firm', 'China-based')",
    "r_from": "the country follows 'from' or 'by' (an origin)",
    "r_venue": "the country is where a fair or conference took place",
    "r_in_name": "the country is part of another name ('Japan Times')",
    "r_origin_adjacent": "the country directly qualifies the supplier ('the Chinese company X')",
    "r_possessive_supplier": "the supplier is the country's company ('China's ZTE')",
    "r_in_list": "the recipient stands in a list of places ('Kenya, Uganda and Zambia', or a city and its country)",
    "r_headline": "the recipient is named in the headline",
    "r_top_country": "the recipient is the country the document names most",
    "r_share=high": "the recipient is at least half of the countries named",
    "r_share=low": "the recipient is rarely named in the document",
    "recipient_is_home": "the recipient is the supplier's home country",
    "between_supply": "a supply verb stands between supplier and recipient",
    "between_other_country": "another country stands between them",
    "between_other_supplier": "another supplier stands between them",
    "between_negative": "a sanction or market word stands between them",
    "between_break": "a semicolon or line break separates them",
    "s_from": "the supplier follows 'from' or 'by'",
    "s_initial": "the supplier opens the sentence",
    "rule_pair": "the 0.2 rules also found this pair",
    "rule_pair_here": "the 0.2 rules found this pair in this sentence",
    "r_after_supply": "a supply verb comes shortly before the recipient ('sold ... to X')",
    "r_attached_supplier": "the country follows the supplier's name directly ('Hikvision USA')",
    "r_in_company_name": "the country is part of a company name ('... USA Inc.')",
    "r_share=mid": "the recipient is a fair share of the places named nearby",
    "rsent_tech": "the recipient's sentence names a surveillance technology",
    "s_then_supply": "the supplier is the subject of a supply verb ('X installed', 'China has sold')",
    "s_sells": "the supplier is the subject of a selling verb ('X sold', 'China has supplied')",
    "s_buys": "the supplier is the subject of a buying verb ('X bought', 'X acquired'): a buyer, not a seller",
    "r_buys": "the recipient is the subject of a buying verb ('Kenya bought', 'Ugandan police purchased')",
    "r_sells": "the recipient is the subject of a selling verb ('Israel sold'): a seller, not a buyer",
    "supply_by_s": "the supplier is the agent of a supply ('supplied by X')",
    "home_unknown": "the supplier's home country is not in the registry",
    "org_one_word": "the organisation name is one word",
    "s_in_list": "the supplier is one of a list of companies ('Hikvision, Dahua and Huawei')",
    "demonym_not_government": "the nationality qualifies something other than a government",
}
_PREFIX = {
    "org_cue=": "organisation found by: ",
    "tok=": "words between supplier and recipient: up to ",
    "sent_dist=": "sentences between supplier and recipient: up to ",
    "para_dist=": "paragraphs between supplier and recipient: up to ",
    "sent_countries=": "places named in the sentence: up to ",
    "s_count=": "times the supplier is named: up to ",
    "pair_sentences=": "times a sentence names the two together: up to ",
    "order=": "order in the sentence: ",
    "list_size=": "places in the recipient's list: up to ",
    "sent_suppliers=": "companies named in the sentence: up to ",
    "sp=": "the sentence reads like a deployment statement, sentence score at least ",
    "rsp=": "the recipient's sentence reads like a deployment statement, score at least ",
    "cs_cue=": "the country is named as supplier by: ",
}


# The values of the cue features, in words: which cue made a name an organisation, and how a
# country is named as a supplier.
_VALUES = {
    "org_cue=": {
        "suffix": "a legal form ending its name ('… Ltd', '… SAS')",
        "company_noun": "a company noun beside it ('the firm X', 'X, a company')",
        "shape": "the shape of a brand ('DataWorks', 'PK9', an acronym)",
        "supply_verb": "a supply verb beside it ('X installed', 'supplied by X')",
        "supply_verb_initial": "a supply verb after it, at the start of the sentence ('X won …')",
        "list": "its place in a list of firms ('Hikvision, X and Dahua')",
    },
    "cs_cue=": {
        "subject": "the subject of a supply verb ('China has sold')",
        "firms_supply": "its firms and a supply verb ('Chinese firms installed')",
        "firms": "its firms ('Chinese companies')",
        "goods": "its goods ('Chinese cameras')",
        "made_in": "'made in'",
        "source": "the source of a purchase ('bought from China')",
        "none": "no cue (nothing in the sentence says so)",
    },
}


def describe(feature: str) -> str:
    """A feature name as a sentence a reviewer understands (the name itself when unknown)."""
    if feature in _PLAIN:
        return _PLAIN[feature]
    if "&" in feature:
        return " and ".join(describe(part) for part in feature.split("&"))
    for prefix, words in _PREFIX.items():
        if feature.startswith(prefix):
            value = feature[len(prefix) :]
            if prefix == "order=":
                value = "supplier first" if value == "sr" else "recipient first"
            value = _VALUES.get(prefix, {}).get(value, value)
            return words + value
    return feature
