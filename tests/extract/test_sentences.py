"""The sentence splitter: exact offsets, abbreviations that do not end a sentence, line breaks
and paragraphs (sentences written for the project)."""

from __future__ import annotations

from countersight.extract.sentences import Sentence, split


def _texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split(text)]


def test_offsets_are_exact_and_trimmed() -> None:
    text = "  Police bought cameras.   The mayor approved it!  "
    sentences = split(text)
    assert _texts(text) == ["Police bought cameras.", "The mayor approved it!"]
    assert sentences[0] == Sentence(2, 24, 0)
    for s in sentences:
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()


def test_abbreviations_in_names_do_not_end_a_sentence() -> None:
    text = "Acme Co. sold cameras to Mr. Smith in the U.S. last year. Dr. Ruto met Gen. Ogolla. J. Smith came too."
    assert _texts(text) == [
        "Acme Co. sold cameras to Mr. Smith in the U.S. last year.",
        "Dr. Ruto met Gen. Ogolla.",
        "J. Smith came too.",
    ]


def test_line_breaks_end_sentences_and_blank_lines_start_paragraphs() -> None:
    text = "CAMERAS FOR THE CAPITAL\nNAIROBI, May 3 - Police bought cameras.\n\nThe deal was signed. More follow."
    assert [(text[s.start : s.end], s.paragraph) for s in split(text)] == [
        ("CAMERAS FOR THE CAPITAL", 0),
        ("NAIROBI, May 3 - Police bought cameras.", 0),
        ("The deal was signed.", 1),
        ("More follow.", 1),
    ]


def test_list_items_are_paragraphs_of_their_own() -> None:
    text = "Contracts:\n- cameras for the police\n- a data centre"
    assert [s.paragraph for s in split(text)] == [0, 1, 2]


def test_sentences_glued_without_a_space_are_split_and_decimals_are_not() -> None:
    assert _texts("Police bought cameras in the city.The measure passed.") == [
        "Police bought cameras in the city.",
        "The measure passed.",
    ]
    assert _texts("Spending rose 3.5 percent. Next.") == ["Spending rose 3.5 percent.", "Next."]


def test_a_glued_sentence_starting_with_a_one_letter_word_is_split() -> None:
    assert _texts("Police bought cameras in the city.A measure passed.") == [
        "Police bought cameras in the city.",
        "A measure passed.",
    ]
    # An acronym's last letter is not a one-letter word, and lower case after a stop no sentence.
    acronym = "Cameras came from the U.S.A and were installed."
    assert _texts(acronym) == [acronym]
    assert _texts("See example.com for more.") == ["See example.com for more."]


def test_empty_text_has_no_sentence() -> None:
    assert split("") == [] and split(" \n\n ") == []
