import pytest

from pipeline.publisher_sections import own_text, split_publisher_sections

BODY = """Harbor Clinic opens a second office in Tacoma on May 1, its third in the state.

The new office offers ketamine infusions and Spravato, evening hours twice a week, and a
parking lot right beside the entrance."""


@pytest.mark.parametrize("section", [
    "About Harbor Clinic\n\nHarbor Clinic is a psychiatry practice in Portland.",
    "About Harbor Clinic, LLC.\nHarbor Clinic is a psychiatry practice in Portland.",
    "ABOUT HARBOR CLINIC\nHarbor Clinic is a psychiatry practice.",
    "About the Harbor Ketamine Collective:\nWe are a nonprofit.",
    "About Harbor Clinic, Inc. Harbor Clinic, Inc. (harbor.example) is a psychiatry practice in Portland, Oregon.",
    "About [Harbor Clinic](https://harbor.example)Harbor Clinic is a psychiatry practice.",
    "About the Author\n\nDr. Lee is a psychiatrist.",
    "Forward-Looking Statements\n\nThis release may contain statements about the future.",
    "Certain statements in this release are forward-looking statements within the meaning of the Act.",
    "Media Contact:\nJane Roe, press@harbor.example",
    "Contact DetailsJane Roe",
    "NOTE TO INVESTORS: news about the company is at https://harbor.example/news",
    "###",
])
def test_a_publisher_section_and_all_after_it_is_the_tail(section):
    text = f"{BODY}\n\n{section}\n\nAbout Portland Health Network\n\nMore boilerplate."
    body, tail = split_publisher_sections(text)
    assert body == BODY
    assert tail.startswith(section.split()[0])
    assert own_text(text) == BODY


@pytest.mark.parametrize("line", [
    "About Ketamine Therapy",  # a section of the post about its subject, not its publisher
    "About Depression",
    "About ketamine and your brain",
    "About 30 percent of patients feel better after the first infusion.",
    "About Spravato: what it is and how it works for people whose depression has not lifted with pills",
    "Many people ask us about Harbor Clinic's hours.",
    "We are looking forward to seeing you.",
])
def test_lines_of_the_post_itself_do_not_start_a_tail(line):
    text = f"{BODY}\n\n{line}\n\nMore of the post."
    assert split_publisher_sections(text) == (text, "")


def test_a_section_heading_before_the_items_own_words_is_part_of_the_item():
    text = "Media Contact: Jane Roe, press@harbor.example\n\n" + BODY + "\n\nAbout Harbor Clinic\n\nA practice."
    body, tail = split_publisher_sections(text)
    assert body.startswith("Media Contact") and body.endswith(BODY)
    assert tail.startswith("About Harbor Clinic")


def test_a_text_that_is_all_boilerplate_is_kept_whole():
    text = "About Harbor Clinic\n\nHarbor Clinic is a psychiatry practice in Portland."
    assert split_publisher_sections(text) == (text, "")
    assert split_publisher_sections("") == ("", "")
