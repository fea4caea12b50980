"""Figures: what a number counts, percentages, shares of a whole, and whose claim it is and when,
over small articles in the layouts of several outlets."""

from bot.articles import Article, Figure, extract

UP_HEADER = """{title}

Wednesday, 19 June 2024, 13:03

{lead}

Source: {sources}

"""

LEAD = "North Korea keeps shipping munitions to Russia, South Korea's defence ministry says."


def up_article(body: str, lead: str = LEAD, sources: str = "Yonhap; The Times") -> Article:
    """An article in Ukrainska Pravda's layout, dated 19 June 2024."""
    title = "North Korea sent Russia more shells than thought, Seoul says"
    return extract(UP_HEADER.format(title=title, lead=lead, sources=sources) + body)


def wire_article(*paragraphs: str) -> Article:
    """A wire story: headline, date line, the dateline opening the lead, no labels."""
    text = "N. Korea shipped millions of shells to Russia, officials say\n\n"
    text += "Wednesday, 19 June 2024, 13:03\n\n"
    text += "SEOUL, June 19 (Yonhap) -- " + "\n\n".join(paragraphs)
    return extract(text)


def figure_of(article: Article, value: float) -> Figure:
    for figure in article.figures:
        if figure.value == value:
            return figure
    raise AssertionError(f"no figure of {value}: {[f.text for f in article.figures]}")


# --- what is counted --------------------------------------------------------------------------


def test_what_a_figure_counts_goes_on_after_of() -> None:
    article = up_article(
        "Details: The United States says North Korea has delivered about 7,000 containers of "
        "ammunition to Russia since August.\n"
    )

    figure = figure_of(article, 7000)

    assert (figure.unit, figure.counted) == ("container", "containers of ammunition")
    assert figure.reads() == "about 7,000 containers of ammunition"


def test_what_is_counted_stops_at_a_conjunction_and_a_preposition() -> None:
    article = up_article(
        "Details: Russia has shipped 500 tonnes of Ukrainian grain and sunflower oil to Syria "
        "from occupied Crimea, Reuters reported.\n"
    )

    assert figure_of(article, 500).counted == "tonnes of Ukrainian grain"


def test_a_figure_followed_by_nothing_counts_its_noun() -> None:
    article = up_article("Details: North Korea sent at least 10,000 containers to Russia by sea.\n")

    figure = figure_of(article, 10000)

    assert figure.counted == "containers"
    assert figure.reads() == "at least 10,000 containers"


def test_what_is_counted_too_long_to_take_in_is_not_cut_short() -> None:
    article = up_article(
        "Details: Pyongyang supplied 300 launchers of the newest short range ballistic missile "
        "type, the ministry said.\n"
    )

    assert figure_of(article, 300).counted == "launchers"


# --- percentages ------------------------------------------------------------------------------


def test_a_percentage_counts_what_it_is_a_percentage_of() -> None:
    article = up_article(
        "Details: About 45% of the shells were faulty, the Ukrainian military intelligence said.\n"
    )

    figure = figure_of(article, 45)

    assert (figure.unit, figure.counted) == ("percent", "of the shells")
    assert figure.reads() == "About 45% of the shells"


def test_per_cent_written_in_two_words_is_a_percentage() -> None:
    article = wire_article(
        "Nearly 20 per cent of the rounds failed to fire, a military official told Yonhap."
    )

    figure = figure_of(article, 20)

    assert (figure.text, figure.unit, figure.counted) == (
        "Nearly 20 per cent",
        "percent",
        "of the rounds",
    )


def test_a_percentage_of_nothing_written_counts_percent() -> None:
    article = up_article("Details: Exports rose by 15 percent in May, the ministry said.\n")

    figure = figure_of(article, 15)

    assert (figure.unit, figure.counted) == ("percent", "percent")
    assert figure.reads() == "15 percent"


# --- shares of a whole ------------------------------------------------------------------------


def test_a_share_of_a_whole_keeps_its_total() -> None:
    article = up_article(
        "Details: Air defence shot down 47 of the 52 missiles launched overnight, the Ukrainian "
        "Air Force said.\n"
    )

    figure = figure_of(article, 47)

    assert (figure.value, figure.of_total, figure.unit) == (47, 52, "missile")
    assert figure.reads() == "47 of 52 missiles"
    assert not [f for f in article.figures if f.value == 52]  # the whole is no figure of its own


def test_a_share_written_in_words_out_of_is_found() -> None:
    article = wire_article(
        "Three out of four drones were downed over the sea, the Joint Chiefs of Staff said."
    )

    figure = figure_of(article, 3)

    assert (figure.text, figure.of_total, figure.counted) == (
        "Three out of four drones",
        4,
        "drones",
    )
    assert figure.reads() == "3 of 4 drones"


# --- whose claim, and when --------------------------------------------------------------------


def test_a_figures_time_is_the_claims_not_an_event_before_it() -> None:
    article = up_article(
        "Background:\n\n"
        "  • In June, Shin said that North Korea had sent 10,000 containers since August.\n"
    )

    assert figure_of(article, 10000).when == "in June"


def test_a_figures_time_is_the_claims_when_the_speaker_closes_the_sentence() -> None:
    article = wire_article(
        "North Korea has sent 10,000 containers since August, Defence Minister Shin Won-sik "
        "said in June."
    )

    figure = figure_of(article, 10000)

    assert (figure.claimant, figure.when) == ("Shin Won-sik", "in June")


def test_a_figure_after_the_claim_in_its_paragraph_takes_the_claims_time() -> None:
    article = up_article(
        "Details: In June, Shin Won-sik said the shipments go on. Since August, North Korea "
        "has also sent about 500 rocket launchers.\n"
    )

    figure = figure_of(article, 500)

    assert (figure.claimant, figure.when) == ("Shin Won-sik", "in June")


def test_without_a_claim_the_figure_keeps_the_time_its_sentence_gives() -> None:
    article = up_article("Background:\n\n  • Ukraine received 300 tanks last year.\n")

    assert figure_of(article, 300).when == "last year"


def test_a_figure_naming_no_claimant_is_its_paragraphs_claimants() -> None:
    article = up_article(
        "Details: About 45% of the shells were faulty, the ministry said.\n",
        sources="Yonhap",
    )

    figure = figure_of(article, 45)

    claims = [fact.claim for _, fact in article.facts if "45%" in fact.text]
    assert figure.claimant == claims[0].claimant == "the ministry"


def test_a_figure_in_a_paragraph_without_a_claimant_is_the_sources() -> None:
    article = up_article("Details: Some 45 percent of shells failed.\n", sources="Yonhap")

    assert figure_of(article, 45).claimant == "Yonhap"


def test_parse_json_shows_counted_and_the_total() -> None:
    article = up_article(
        "Details: Air defence shot down 47 of the 52 missiles, the Ukrainian Air Force said.\n"
    )

    figures = article.to_json()["figures"]

    share = next(f for f in figures if f["value"] == 47)
    assert (share["counted"], share["of_total"]) == ("missiles", 52)
