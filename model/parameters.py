"""Every parameter of the model, declared once.

Each field of :class:`Parameters` carries its default, unit, valid range, description and
source. That one declaration drives the Python constructor, the CLI options, the TOML
experiment files, the UI controls and the parameter table in docs/ODD.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

from model import strategies
from model.dynamics.registry import RULES
from model.validation import Constraint, Flag, Interval, InvalidValue, Options, Text, unknown

#: The captain's strategies and the tones of their messages: live views of the registry in
#: :mod:`model.strategies` (a strategy registered later is valid here too).
STRATEGIES = strategies.NAMES
TONES = strategies.TONES
#: Influence rules by name: a live view of :data:`model.dynamics.registry.RULES` (the model's
#: own rule and the canonical ones).
INFLUENCE_RULES = strategies.Names(lambda: tuple(RULES))


def spec(
    default: Any,
    unit: str,
    valid: Constraint | None,
    description: str,
    source: str,
    group: str,
    kind: type | None = None,
) -> Any:
    """Declare one parameter: a dataclass field whose metadata documents it.

    Args:
        default: Default value; its type is the parameter's type.
        unit: Unit of measure ("1" for dimensionless).
        valid: The values it takes (:mod:`model.validation`): an :class:`Interval` for a
            number (``Interval(Real, 0, 3650, closed="right")``), :class:`Options` for a
            choice, or None for a yes/no or free text (any bool, any text).
        description: One line saying what the parameter does.
        source: The story, a paper, or "assumption: <reason>".
        group: Which part of the model it belongs to (docs and UI group by it).
        kind: The parameter's type when the default is None (an optional parameter: None
            means "not set"); otherwise the default's type.
    """
    meta = {
        "unit": unit,
        "valid": valid,
        "description": description,
        "source": source,
        "group": group,
        "type": kind if default is None else type(default),
        "optional": default is None,
    }
    return field(default=default, metadata=meta)


STORY = "story (shared/seed/FACTS.md)"


@dataclass(frozen=True, slots=True)
class Parameters:
    """The model's parameters, validated on construction.

    Build with keywords (``Parameters(n_crew=500)``) or from a mapping with
    :meth:`from_mapping`, which also rejects unknown names.
    """

    # --- ship and population -------------------------------------------------------------
    n_crew: int = spec(
        3000, "people", Interval(Integral, 1, 1_000_000), "Crew alive at day 0", STORY, "ship"
    )
    households_per_section: int = spec(
        42,
        "households",
        Interval(Integral, 1, 1000),
        "Families in one residential section",
        STORY,
        "ship",
    )
    households_per_compartment: int = spec(
        3,
        "households",
        Interval(Integral, 1, 1000),
        "Families in one compartment, the unit a breach strikes",
        "assumption: the story's breach of one compartment killed 3 people of 2 households",
        "ship",
    )
    start_ages: str = spec(
        "uniform",
        "-",
        Options(("uniform", "stationary")),
        "The crew's ages at day 0: 'uniform' within each household role (children 0-18, "
        "adults 20-62, elders 62-88); 'stationary', the age pyramid the voyage's own deaths and "
        "planned births hold (the life table), with the elder households it needs",
        "assumption: 'uniform' is the calibrated start (docs/ODD.md §5); 'stationary' reads the "
        "story's children born aboard as a ship under way for generations (docs/ODD.md §7.4)",
        "ship",
    )
    voting_age: int = spec(
        18,
        "years",
        Interval(Integral, 0, 120),
        "Age from which crew vote",
        "assumption: adult suffrage",
        "ship",
    )
    # --- social ties ----------------------------------------------------------------------
    weight_household: float = spec(
        1.0,
        "1",
        Interval(Real, 0, 10),
        "Influence weight of a household tie",
        "assumption: family ties are the strongest (story)",
        "network",
    )
    weight_friend: float = spec(
        0.6, "1", Interval(Real, 0, 10), "Influence weight of a friendship", "assumption", "network"
    )
    weight_neighbour: float = spec(
        0.3,
        "1",
        Interval(Real, 0, 10),
        "Influence weight of a section-neighbour tie",
        "assumption",
        "network",
    )
    weight_coworker: float = spec(
        0.3,
        "1",
        Interval(Real, 0, 10),
        "Influence weight of a co-worker tie",
        "assumption",
        "network",
    )
    susceptibility_spread: float = spec(
        0.3,
        "log-units",
        Interval(Real, 0, 3),
        "Spread (log-normal sigma, mean 1) of how much people are moved by the captain's "
        "messages and their confidants: each person's day's change in belief from influence, "
        "a message's pull, and a message's or rally's trust gain are times their susceptibility",
        "assumption: people differ in susceptibility to influence (Friedkin & Johnsen 2011); "
        "0.3 keeps the story's calibrated breach response (measured); 0 = everyone alike",
        "network",
    )
    friends_per_person: int = spec(
        4,
        "ties",
        Interval(Integral, 0, 100),
        "Mean friendships a person has (even; Watts-Strogatz ring degree)",
        "assumption: Dunbar's support clique of ~5 (Dunbar 1998)",
        "network",
    )
    friend_cross_section: float = spec(
        0.2,
        "1",
        Interval(Real, 0, 1),
        "Probability a friendship is rewired to anyone aboard (crosses sections)",
        "assumption: small-world rewiring (Watts & Strogatz 1998)",
        "network",
    )
    neighbours_per_person: int = spec(
        4,
        "ties",
        Interval(Integral, 0, 100),
        "Random acquaintances drawn within one's own section, beyond the compartment",
        "assumption",
        "network",
    )
    team_size: int = spec(
        8,
        "people",
        Interval(Integral, 2, 1000),
        "Size of a work team (co-workers all tied)",
        "assumption",
        "network",
    )
    # --- beliefs and influence ------------------------------------------------------------
    influence: str = spec(
        "bounded_confidence",
        "-",
        Options(INFLUENCE_RULES),
        "Social-influence rule: the model's own, or a canonical one from model.dynamics",
        "docs/ODD.md, docs/DYNAMICS.md",
        "belief",
    )
    influence_rate: float = spec(
        0.05,
        "1/day",
        Interval(Real, 0, 1),
        "Daily step toward the tie-weighted mean of confidants (mu)",
        "assumption: opinions settle within weeks",
        "belief",
    )
    anchoring: float = spec(
        0.05,
        "1/day",
        Interval(Real, 0, 1),
        "Daily pull back toward one's own anchor belief (stubbornness)",
        "assumption, after Friedkin & Johnsen 1990",
        "belief",
    )
    confidence_bound: float = spec(
        0.3,
        "belief",
        Interval(Real, 0, 1),
        "Only confidants within this distance of belief influence (epsilon)",
        "assumption, after Deffuant et al. 2000",
        "belief",
    )
    belief_spread: float = spec(
        0.3,
        "belief",
        Interval(Real, 0, 0.5),
        "Standard deviation of initial beliefs around the undecided point 0.5",
        "assumption: a ship split nearly evenly (story: 49-vote margin)",
        "belief",
    )
    household_homophily: float = spec(
        0.6,
        "1",
        Interval(Real, 0, 1),
        "Share of initial belief variance shared within a household",
        "assumption",
        "belief",
    )
    referendum_margin_share: float = spec(
        49 / 2999,
        "share of votes cast",
        Interval(Real, -1, 1),
        "Continue minus divert votes, as a share of the votes cast, at the referendum the run "
        "starts from: any crew size starts at the story's support",
        "story: continue won 1,524 to 1,475 (49 of 2,999 votes; FACTS.md)",
        "referendum",
    )
    referendum_margin: int | None = spec(
        None,
        "votes",
        Interval(Integral, -1_000_000, 1_000_000),
        "Continue minus divert votes at the referendum the run starts from, as a count; "
        "when set, it replaces referendum_margin_share",
        "story: continue won by 49 votes (use 49 for the story's absolute margin)",
        "referendum",
        kind=int,
    )
    burn_in_days: int = spec(
        120,
        "days",
        Interval(Integral, 0, 3650),
        "Days of influence run before day 0 so the start is at quasi-equilibrium",
        "assumption: the referendum was 3 months ago (story); beliefs had settled",
        "belief",
    )
    # --- grief ----------------------------------------------------------------------------
    grief_household: float = spec(
        1.0, "grief", Interval(Real, 0, 1), "Grief from a death in one's household", STORY, "grief"
    )
    grief_friend: float = spec(
        0.5,
        "grief",
        Interval(Real, 0, 1),
        "Grief from the death of a friend",
        "assumption",
        "grief",
    )
    grief_coworker: float = spec(
        0.25,
        "grief",
        Interval(Real, 0, 1),
        "Grief from the death of a co-worker",
        "assumption: below a friend, above a neighbour (co-workers share the working day)",
        "grief",
    )
    grief_neighbour: float = spec(
        0.15,
        "grief",
        Interval(Real, 0, 1),
        "Grief from the death of a section neighbour",
        "assumption: the most distant personal tie (a shared corridor)",
        "grief",
    )
    premature_blame: float = spec(
        1.0,
        "1",
        Interval(Real, 0, 1),
        "Share of a breach death's trust cost that a premature death (emergency, accident, "
        "suicide) costs the leadership; 0: nobody holds the leadership to account for them",
        "assumption: 1, every death aboard is the ship's to prevent; the rival, 0, keeps a "
        "quiet ship from collapsing over decades (experiments/README.md, the voyage pilot)",
        "leadership",
    )
    old_age_grief: float = spec(
        1.0,
        "grief",
        Interval(Real, 0, 1),
        "Share of a death's grief (by social distance) that a death of old age brings; "
        "1: as any death, 0: an expected death moves nobody's belief about the mission",
        "assumption: 1, bereavement studies (Bonanno et al. 2002) follow deaths of old "
        "age too; the rival rule, 0, is measured in the README (a quiet year's drift)",
        "grief",
    )
    grief_salience: float = spec(
        0.0,
        "grief",
        Interval(Real, 0, 1),
        "Grief every crew member feels per death in a public event (a breach): the ship-wide tier",
        "assumption: 0, so that grief follows social distance (story: those closest are hit "
        "hardest); measured: 0.005 doubles the week's extra requests and halves their "
        "concentration near the dead",
        "grief",
    )
    public_loss_salience: float = spec(
        0.045,
        "grief",
        Interval(Real, 0, 1),
        "Loss every crew member takes per death in a public event (a breach) when weighing "
        "their trust in the leadership; it erodes trust like grief, but is not grief",
        "assumption, kept at the value once fitted for ship-wide grief (0.045) so that "
        "leadership's trust dynamics are unchanged; public disasters are judged ship-wide "
        "(Healy & Malhotra 2009)",
        "grief",
    )
    grief_half_life: float = spec(
        45.0,
        "days",
        Interval(Real, 0, 3650, closed="right"),
        "Half-life of grief on the recovering course (the reference trajectory)",
        "assumption: acute grief eases over weeks to months (Bonanno et al. 2002, recovery)",
        "grief",
    )
    grief_resilient_share: float = spec(
        0.5,
        "share of crew",
        Interval(Real, 0, 1),
        "Share of crew whose grief follows the resilient course (fast recovery)",
        "Bonanno, Wortman et al. 2002: resilience is the most common trajectory (~46%)",
        "grief",
    )
    grief_chronic_share: float = spec(
        0.1,
        "share of crew",
        Interval(Real, 0, 1),
        "Share of crew whose grief follows the chronic course (prolonged grief)",
        "Lundorff et al. 2017: prolonged grief disorder after natural losses, ~10%",
        "grief",
    )
    grief_resilient_factor: float = spec(
        0.25,
        "1",
        Interval(Real, 0, 1, closed="right"),
        "Half-life of grief on the resilient course, as a multiple of grief_half_life",
        "assumption: the resilient show little distress within weeks (Bonanno et al. 2002)",
        "grief",
    )
    grief_chronic_factor: float = spec(
        8.0,
        "1",
        Interval(Real, 1, 100),
        "Half-life of grief on the chronic course, as a multiple of grief_half_life",
        "assumption: prolonged grief lasts beyond a year (Lundorff et al. 2017: 6+ months)",
        "grief",
    )
    grief_effect: float = spec(
        0.8,
        "1/day",
        Interval(Real, 0, 1),
        "Daily belief shift per unit grief, toward diversion unless framed",
        "assumption, set by hand with request_grief_boost and displacement_grief so that a "
        "breach of 3 gives about 47 extra requests within two days (the story's 47 'came to "
        "me yesterday'); calibrated by ABC in experiments/story_calibration.toml",
        "grief",
    )
    displacement_grief: float = spec(
        0.3,
        "grief",
        Interval(Real, 0, 1),
        "Grief (stress) of everyone displaced from a breached section",
        "story: 42 families displaced",
        "grief",
    )
    # --- leadership and trust -------------------------------------------------------------
    captain_strategy: str = spec(
        "reassure",
        "-",
        Options(STRATEGIES),
        "The captain's messaging strategy",
        "story: the captain carries public conviction",
        "leadership",
    )
    captain_schedule: str = spec(
        "",
        "-",
        None,
        "For a strategy that follows a schedule (scripted): 'day:tone' items separated by ';' "
        "(tone: the name of a strategy that speaks, e.g. reassure)",
        "user input",
        "leadership",
    )
    captain_private_belief: float = spec(
        0.35,
        "belief",
        Interval(Real, 0, 1),
        "The captain's own belief (she voted to divert)",
        STORY,
        "leadership",
    )
    initial_trust: float = spec(
        0.7,
        "trust",
        Interval(Real, 0, 1),
        "Mean trust in the leadership at day 0",
        "assumption: a functioning ship",
        "leadership",
    )
    message_interval: int = spec(
        7,
        "days",
        Interval(Integral, 1, 3650),
        "Days between routine messages of the reassuring or candid captain",
        "assumption: a weekly address",
        "leadership",
    )
    message_effect: float = spec(
        0.01,
        "1",
        Interval(Real, 0, 1),
        "Share of the gap to the message's position a fully trusting listener closes",
        "assumption",
        "leadership",
    )
    trust_erosion: float = spec(
        1.0,
        "1/grief",
        Interval(Real, 0, 1),
        "Share of trust lost per unit of grief from a death the captain had reassured against",
        "assumption, after the story's 'if I lose faith, everyone does'",
        "leadership",
    )
    silence_erosion: float = spec(
        0.8,
        "1",
        Interval(Real, 0, 1),
        "Erosion of an unanswered death (silent captain), relative to a contradicted one",
        "assumption",
        "leadership",
    )
    acknowledged_erosion: float = spec(
        0.2,
        "1",
        Interval(Real, 0, 1),
        "Erosion of a death the captain acknowledges (memorial, candour), relative to a "
        "contradicted one",
        "assumption: honesty softens but does not cancel the cost of losses",
        "leadership",
    )
    contradiction_window: int = spec(
        30,
        "days",
        Interval(Integral, 0, 3650),
        "A death this soon after a reassurance contradicts it",
        "assumption",
        "leadership",
    )
    candour_trust_gain: float = spec(
        0.02,
        "1",
        Interval(Real, 0, 1),
        "Share of the gap to full trust a candid message closes",
        "assumption",
        "leadership",
    )
    integrity_loss: float = spec(
        0.05,
        "1",
        Interval(Real, 0, 1),
        "Size of the negative trust event, per unit of the gap between what the captain says "
        "and what she privately believes, for each person who sees the gap when she speaks "
        "(0 = a gap costs no credibility)",
        "assumption: perceived misalignment of words and deeds lowers trust (behavioural "
        "integrity: Simons 2002; source credibility: Hovland & Weiss 1951); no source gives "
        "its size: 0.05 costs those who see a reassurance against her vote (gap 0.65) 3% of "
        "their trust a message",
        "leadership",
    )
    integrity_visibility: float = spec(
        0.0,
        "share",
        Interval(Real, 0, 1),
        "Share of the crew beyond the captain's own ties who see the gap between her words and "
        "her private belief (her ties always see it)",
        "story: 'Malik understood what she wasn't saying. Reyes had voted for diversion' (those "
        "close to her see it; in public she keeps her vote to herself: 0)",
        "leadership",
    )
    trust_recovery: float = spec(
        0.01,
        "1/day",
        Interval(Real, 0, 1),
        "Daily recovery of trust toward its start value while mitigation is visible",
        "story: reinforcing sections restores confidence",
        "leadership",
    )
    trust_recovery_baseline: float = spec(
        0.002,
        "1/day",
        Interval(Real, 0, 1),
        "Daily recovery of trust toward its start value otherwise",
        "assumption: trust heals over about a year",
        "leadership",
    )
    rally_gain: float = spec(
        1.0,
        "1",
        Interval(Real, 0, 20),
        "Size of the positive trust event when the captain speaks within rally_window days of "
        "a public shock (a breach), per unit of the shock's mean trust loss aboard (0 = no rally)",
        "assumption: a shock met by visible leadership raises trust (rally round the flag: "
        "Mueller 1970; trust rose in the first COVID-19 lockdowns: Bol et al. 2021; voters "
        "reward visible response: Healy & Malhotra 2009); no source gives its size: 1 makes a "
        "met shock a positive event as large as the shock (the asymmetry halves its effect)",
        "leadership",
    )
    rally_window: int = spec(
        2,
        "days",
        Interval(Integral, 0, 3650),
        "A message this many days or fewer after a public shock meets it (and starts a rally)",
        "assumption: the story's responses come within a day or two; a later word is not read "
        "as meeting the shock",
        "leadership",
    )
    trust_gain_asymmetry: float = spec(
        2.0,
        "1",
        Interval(Real, 1, 20),
        "How many times less a positive trust event (a rally) moves trust than a negative one "
        "of the same size: a loss of size a takes a·T, a gain gives a/k·(1 − T)",
        "assumption after Slovic 1993 (trust is easier to destroy than to create; the "
        "asymmetry principle gives no ratio): 2",
        "leadership",
    )
    memorial_framing: float = spec(
        0.8,
        "1",
        Interval(Real, 0, 1),
        "How fully a memorial frames grief as commitment ('their deaths count')",
        STORY,
        "leadership",
    )
    framing_half_life: float = spec(
        30.0,
        "days",
        Interval(Real, 0, 3650, closed="right"),
        "Half-life of a memorial's framing",
        "assumption",
        "leadership",
    )
    # --- demography: deaths, partners, births, working life --------------------------------
    mortality_per_1000: float = spec(
        4.0,
        "deaths/1000/year",
        Interval(Real, 0, 1000),
        "Premature deaths (emergencies, accidents, suicide) a year per 1,000 crew, any age",
        "story: 'about twelve a year' among 3,000, read as premature deaths (docs/ODD.md)",
        "demography",
    )
    gompertz_slope: float = spec(
        0.085,
        "1/year",
        Interval(Real, 0, 0.5),
        "Age dependence of old-age mortality; its hazard grows as exp(slope*age)",
        "Gompertz 1825; human adult rate doubles every ~8 years",
        "demography",
    )
    life_expectancy: float = spec(
        73.0,
        "years",
        Interval(Real, 1, 150),
        "Life expectancy at birth from premature and old-age deaths together",
        "assumption: world life expectancy at birth ~73 years (UN World Population Prospects "
        "2022), a ship with medicine but few specialists",
        "demography",
    )
    population_feedback_years: float = spec(
        5.0,
        "years",
        Interval(Real, 0.1, 1000),  # closed at 0.1: a shorter time plans years of births a day
        "Births close the gap to the target population over this time",
        "assumption: the ship plans births to hold its population (story)",
        "demography",
    )
    partnering_age_min: float = spec(
        20.0,
        "years",
        Interval(Real, 0, 120),
        "Youngest age at which a single crew member seeks a partner (and may have children)",
        "assumption: adults who have finished their training",
        "demography",
    )
    partnering_age_max: float = spec(
        45.0,
        "years",
        Interval(Real, 0, 120),
        "Oldest age at which a single seeks a partner; both partners below it to have children",
        "assumption: the ship plans births within the fertile years",
        "demography",
    )
    partnering_rate: float = spec(
        0.5,
        "1/year",
        Interval(Real, 0, 100),
        "Chance a year that a single of partnering age looks for a partner (monthly draws)",
        "assumption: most crew partner within a few years of adulthood",
        "demography",
    )
    working_age: float = spec(
        18.0,
        "years",
        Interval(Real, 0, 120),
        "Age at which children leave school and join a work department",
        "assumption: the same age as voting",
        "demography",
    )
    vertical_transmission: float = spec(
        0.6,
        "1",
        Interval(Real, 0, 1),
        "Chance a child coming of age takes its conviction from its parents (vertical); else "
        "from an adult of its section (oblique)",
        "Bisin & Verdier 2001 (vertical and oblique transmission); value an assumption: "
        "families shape most convictions (story: family ties are the strongest)",
        "demography",
    )
    succession_trust: float = spec(
        0.7,
        "trust",
        Interval(Real, 0, 1),
        "Trust every crew member gives a new captain when she takes command",
        "assumption: a fresh start at the trust of a functioning ship (initial_trust)",
        "leadership",
    )
    # --- the voyage --------------------------------------------------------------------------
    voyage_years: float = spec(
        200.0,
        "years",
        Interval(Real, 0, 10000),
        "Years of travel to Tau Ceti still ahead at day 0; arrival ends the run",
        "story: 'two hundred years still ahead of us'",
        "voyage",
    )
    diversion_years: float = spec(
        90.0,
        "years",
        Interval(Real, 0, 10000),
        "Years of travel to HD 85512 from the day the ship diverts; arrival ends the run",
        "story: 'ninety years versus two hundred'",
        "voyage",
    )
    # --- breaches -------------------------------------------------------------------------
    impact_rate: float = spec(
        0.235,
        "impacts/year",
        Interval(Real, 0, 1000),
        "Micrometeorite impacts on the hull",
        "story: 47 detected impacts in 200 years",
        "deaths",
    )
    penetration_probability: float = spec(
        0.01,
        "1",
        Interval(Real, 0, 1),
        "Share of impacts that breach a residential compartment",
        "story: the shielding protects 99 percent of the time",
        "deaths",
    )
    breach_deaths: float = spec(
        3.0,
        "people",
        Interval(Real, 0, 1000),
        "Mean deaths of a breach (Poisson, at least 1, at most the compartment)",
        "story: the breach killed 3",
        "deaths",
    )
    mitigation_efficacy: float = spec(
        0.5,
        "1",
        Interval(Real, 0, 1),
        "Share of breach risk removed by one completed reinforcement",
        "assumption",
        "deaths",
    )
    mitigation_days: int = spec(
        120,
        "days",
        Interval(Integral, 1, 36500),
        "Days a reinforcement takes before it lowers the risk",
        "assumption: story's 'reinforce the vulnerable sections' is work of months",
        "deaths",
    )
    mitigate_after_breach: bool = spec(
        True,
        "-",
        None,
        "Start a reinforcement after every breach",
        STORY,
        "deaths",
    )
    # --- referendum and petition ----------------------------------------------------------
    request_probability: float = spec(
        0.3,
        "1/day",
        Interval(Real, 0, 1),
        "Daily chance a voter whose intention left their recorded vote asks to change it",
        "assumption: the story's requests came within a day or two",
        "referendum",
    )
    request_grief_boost: float = spec(
        10.0,
        "1/grief",
        Interval(Real, 0, 100),
        "How much grief raises a person's daily chance of asking to change their vote "
        "(chance × (1 + boost × grief))",
        "assumption: the bereaved act on a changed mind sooner (set by hand with grief_effect); "
        "0 = grief plays no part",
        "referendum",
    )
    request_propensity_spread: float = spec(
        0.0,
        "log-units",
        Interval(Real, 0, 3),
        "Spread (log-normal sigma, mean 1) of people's willingness to ask to change their vote",
        "assumption: people differ in readiness to approach the captain (Basner et al. 2014: "
        "large individual differences in confined crews); 0 = everyone alike",
        "referendum",
    )
    petition_threshold: float = spec(
        0.1,
        "share of voters",
        Interval(Real, 0, 1),
        "Signatures (requests toward the losing option) that force a new referendum",
        "assumption: 47 requests 'are a start' but not enough (story)",
        "referendum",
    )
    petition_cooldown_days: int = spec(
        90,
        "days",
        Interval(Integral, 0, 36500),
        "Days after a referendum before a petition can force another",
        "story: a new vote is in question three months after the last",
        "referendum",
    )
    referendum_notice_days: int = spec(
        14,
        "days",
        Interval(Integral, 0, 3650),
        "Days between calling a referendum and the vote",
        "assumption",
        "referendum",
    )
    turnout: float = spec(
        1.0,
        "1",
        Interval(Real, 0, 1),
        "Probability a voter votes",
        "assumption: on a small ship everyone votes",
        "referendum",
    )
    # --- cohesion -------------------------------------------------------------------------
    collapse_level: float = spec(
        0.25,
        "share of voters",
        Interval(Real, 0, 1),
        "Disengaged share of the voters above which the ship is in collapse",
        "assumption: a quarter of the adults withdrawn leaves departments below the capacity "
        "routine work needs (maintenance_slack); Chan et al. 2006 define cohesion by the "
        "willingness to participate",
        "cohesion",
    )
    collapse_days: int = spec(
        30,
        "days",
        Interval(Integral, 1, 36500),
        "A disengaged share above collapse_level sustained this long is a collapse",
        "assumption: a month of crisis",
        "cohesion",
    )
    # --- disengagement and its feedbacks (model/disengagement.py) --------------------------
    disengage_rate: float = spec(
        0.02,
        "1/day",
        Interval(Real, 0, 1),
        "Daily chance of disengaging at the greatest strain (0 switches disengagement and its "
        "feedbacks off)",
        "assumption: withdrawal builds over weeks, not in a day (Palinkas & Suedfeld 2008: "
        "withdrawal in isolated crews)",
        "cohesion",
    )
    disengage_strain: float = spec(
        0.6,
        "strain 0-1",
        Interval(Real, 0, 1),
        "Strain above which people start to disengage (strain = ½(1 − trust) + "
        "½|belief − mission|)",
        "assumption: at the start (trust 0.7) only those with belief below 0.1 exceed it; a "
        "quiet year ends with 1.7-2.5% of voters disengaged (measured, 3,000 crew, 5 seeds)",
        "cohesion",
    )
    reengage_rate: float = spec(
        0.01,
        "1/day",
        Interval(Real, 0, 1),
        "Daily chance of re-engaging at no strain",
        "assumption: re-engaging is slower than withdrawing (trust is easier to lose than to "
        "gain; Slovic 1993)",
        "cohesion",
    )
    reengage_strain: float = spec(
        0.5,
        "strain 0-1",
        Interval(Real, 0, 1),
        "Strain below which the disengaged start to re-engage (at most disengage_strain; the "
        "gap is each person's hysteresis)",
        "assumption: a band of 0.1 between withdrawing and returning",
        "cohesion",
    )
    disengaged_tie_scale: float = spec(
        0.3,
        "1",
        Interval(Real, 0, 1),
        "Factor on the influence weight of every tie of a disengaged person (both ends)",
        "assumption: the withdrawn keep their households but talk less (Friedkin 2004: "
        "cohesion as members' ties and participation)",
        "cohesion",
    )
    maintenance_slack: float = spec(
        0.15,
        "share of routine work",
        Interval(Real, 0, 10),
        "Work the full crew can do beyond the daily routine; the backlog grows once the "
        "disengaged share of the working crew exceeds slack/(1 + slack)",
        "assumption: a ship crewed for its routine with about a seventh in hand",
        "cohesion",
    )
    backlog_half_days: float = spec(
        30.0,
        "days of work",
        Interval(Real, 0, 36500, closed="right"),
        "Maintenance backlog at which its pressure (backlog/(backlog + this)) is one half",
        "assumption: a month of undone ship-wide work is a visibly failing ship",
        "cohesion",
    )
    backlog_breach_factor: float = spec(
        2.0,
        "1",
        Interval(Real, 0, 100),
        "Breach rate × (1 + factor × backlog pressure): unmaintained hull fails more often",
        "assumption: at full pressure the risk triples",
        "cohesion",
    )
    backlog_trust_erosion: float = spec(
        0.004,
        "1/day",
        Interval(Real, 0, 1),
        "Daily share of trust lost × backlog pressure: the crew see the leadership fail to "
        "keep the ship running",
        "assumption: twice trust_recovery_baseline, so full pressure holds trust near a third "
        "of its start (performance-based trust)",
        "cohesion",
    )
    care_mortality_factor: float = spec(
        3.0,
        "1",
        Interval(Real, 0, 100),
        "Every death hazard × (1 + factor × disengaged share of MEDICAL and LIFE_SUPPORT)",
        "assumption: without carers and air, the old and ill die several times faster",
        "cohesion",
    )
    debug: bool = spec(
        False,
        "-",
        None,
        "Check the model's invariants after every step (slow)",
        "-",
        "run",
    )

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            _check(f, value)
            if value is None:  # an optional parameter left unset
                continue
            # Store the declared type: 3000.0 given for an int becomes 3000.
            object.__setattr__(self, f.name, f.metadata["type"](value))
        if self.grief_resilient_share + self.grief_chronic_share > 1.0:
            named, other = self._blamed("grief_chronic_share", "grief_resilient_share")
            raise ValueError(
                f"{named}={getattr(self, named)} is invalid: with {other}={getattr(self, other)} "
                f"the shares exceed 1; expected at most {1.0 - getattr(self, other):g}"
            )
        if self.reengage_strain > self.disengage_strain:
            if self._blamed("reengage_strain", "disengage_strain")[0] == "reengage_strain":
                raise ValueError(
                    f"reengage_strain={self.reengage_strain} is invalid: expected at most "
                    f"disengage_strain={self.disengage_strain}"
                )
            raise ValueError(
                f"disengage_strain={self.disengage_strain} is invalid: expected at least "
                f"reengage_strain={self.reengage_strain}"
            )
        if strategies.get(self.captain_strategy).follows_schedule:
            parse_schedule(self.captain_schedule)

    def _blamed(self, first: str, second: str) -> tuple[str, str]:
        """Of two parameters that conflict, the one to name in the error and the other: the
        first, unless only the second was changed from its default (the caller set it)."""
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        if getattr(self, first) == defaults[first] and getattr(self, second) != defaults[second]:
            return second, first
        return first, second

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Parameters:
        """Build from a mapping, rejecting unknown names with the nearest valid one."""
        known = {f.name for f in dataclasses.fields(cls)}
        for name in values:
            if name not in known:
                raise ValueError(unknown_message(name, known))
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """All parameters as a plain dict."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some parameters changed (validated)."""
        return Parameters.from_mapping({**self.to_dict(), **changes})


def unknown_message(name: str, known: set[str] | list[str]) -> str:
    """Error text for an unknown parameter, suggesting the closest known name."""
    return unknown("parameter", name, sorted(known))


def describe(name: str) -> dict[str, Any]:
    """The declaration of one parameter: default, unit, valid range, description, source."""
    for f in dataclasses.fields(Parameters):
        if f.name == name:
            return {"name": name, "default": f.default, **f.metadata}
    raise ValueError(unknown_message(name, {f.name for f in dataclasses.fields(Parameters)}))


def declarations() -> list[dict[str, Any]]:
    """All parameter declarations, in declaration order."""
    return [describe(f.name) for f in dataclasses.fields(Parameters)]


def constraint(meta: dict[str, Any]) -> Constraint:
    """The constraint a parameter's value is held to (a yes/no or free text: by its type)."""
    if meta["valid"] is not None:
        return meta["valid"]
    return Flag() if meta["type"] is bool else Text()


def valid_text(meta: dict[str, Any]) -> str:
    """Human text for a parameter's valid values: ``[0, 1]``, ``(0, 3650]``, ``one of ...``."""
    text = str(constraint(meta))
    return f"{text}, or unset" if meta.get("optional") else text


def expected_text(meta: dict[str, Any]) -> str:
    """What a parameter's value must be, in an error message's words."""
    expected = constraint(meta).expected
    return f"{expected}, or unset" if meta.get("optional") else expected


def _check(f: dataclasses.Field, value: Any) -> None:
    meta = f.metadata
    if value is None and meta["optional"]:
        return
    given = value
    if meta["type"] is int and isinstance(value, float) and value.is_integer():
        given = int(value)  # 3000.0 for a whole number: taken as 3000
    if not constraint(meta).accepts(given):
        raise InvalidValue(f.name, value, expected_text(meta))


def parse_schedule(text: str) -> list[tuple[int, str]]:
    """Parse a scripted captain's schedule ``"0:reassure;30:memorial"`` into (day, tone) pairs."""
    items: list[tuple[int, str]] = []
    for raw in filter(None, (part.strip() for part in text.split(";"))):
        day_text, _, tone = raw.partition(":")
        tone = tone.strip()
        try:
            day = int(day_text)
        except ValueError:
            day = -1
        if day < 0 or tone not in TONES:
            raise ValueError(
                f"captain_schedule={text!r} is invalid at {raw!r}: expected 'day:tone' items "
                f"separated by ';', day a whole number >= 0, tone one of {', '.join(TONES)}"
            )
        items.append((day, tone))
    return sorted(items)


PARAMETER_TABLE_START = "<!-- parameter table: generated by `python -m model params --markdown` -->"
PARAMETER_TABLE_END = "<!-- end of parameter table -->"


def markdown_table() -> str:
    """The parameter table of docs/ODD.md, generated from the declarations."""
    lines = [
        "| group | name | default | unit | valid | description | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in declarations():
        default = d["default"]
        shown = (
            f'"{default}"'
            if isinstance(default, str)
            else str(default).lower()
            if isinstance(default, bool)
            else "unset"
            if default is None
            else f"{default:.6g}"
            if isinstance(default, float) and len(str(default)) > 8
            else str(default)
        )
        cells = [
            d["group"],
            f"`{d['name']}`",
            shown,
            d["unit"],
            valid_text(d),
            d["description"],
            d["source"],
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


strategies.check_references()  # every parameter a strategy names is declared
