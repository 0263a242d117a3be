"""Actor roles: the perpetrators and targets of a group of claims.

By victim side — civilians' perpetrators are the armed actors named in the event's
sentences (not those describing the setting, "jihadist attacks"); an air strike's are
the state force that struck; soldiers' targets are the state forces and their
perpetrators the armed groups; militants' perpetrators are the state forces. Actors
only named as sources ("according to MINUSMA") are skipped, and so are the side the
victims were said to be on ("suspected of belonging to a Dozo militia") and the "by"
agent of another figure of the sentence; the last resort looks within the paragraph,
not the whole text. Entry point: :func:`actor_roles`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from nlp.actorlexicon import Actor, load_actor_lexicon, load_role_actors, load_state_allies
from nlp.claims import Claim
from nlp.docview import actor_spans, folded, place_spans, sentence_bounds
from nlp.eventcues import EventCues, cue_pattern

STATE_TYPES = {"state_forces", "foreign_forces", "private_military_company"}


_GENERIC_RANK, _DEFAULT_TARGET = load_role_actors()
_STATE_ALLIES = load_state_allies()
# An attribution holds within its paragraph: the last resort for a perpetrator is an
# armed actor named up to this many sentences from the figure, not anywhere in the text.
ROLE_REACH = 4
# The casualty sentence speaks of a strike from the air ("killed in the strike",
# "l'un des bombardements a touché").
_AIR_STRIKE = cue_pattern(r"\b{air_strike}\b")
_GROUND_BOMB = cue_pattern(r"\b{ground_bomb}\b")
LAID_BOMB = cue_pattern(r"\b{laid_bomb}\b")
_CLAIMANT_AFTER = cue_pattern(r"^\W{0,3}(?:\w+\W+){0,2}?{claimant_after}\b")
# "Soldiers in Burkina Faso have recovered 79 bodies": who found the dead told of them.
_FINDER_AFTER = cue_pattern(r"^\W{0,3}(?:\w+\W+){0,3}?{finder_after}\b")
_SOURCE_BEFORE = cue_pattern(r"{source_before}\s+{source_before_articles}?$")
# Inverted speech: "a indiqué pour sa part un membre des VDP", "said a member of the
# VDP": the actor is the speaker's affiliation (the name may run on to a parenthesis).
_SPEAKER_OF_BEFORE = cue_pattern(
    r"\b{speaker_verbs}\b[^.;]{0,30}?\b{speaker_heads}\s*(?:[\w-]+\s+){0,2}?{speaker_of}"
    r"(?:\s+[\w'-]+){0,8}?\s*\(?\s*$"
)


# "a camp used by the army", "escorté par les soldats", "confirmed by the army": "by"
# after a participle of holding or reporting names no attacker.
HOLDER_BY = cue_pattern(r"\b{holder_verbs}\s+{holder_by}\s+{agent_before_articles}?$")
# "A separate incident in Tessalit …", "dans une autre attaque": an event of its own.
_SEPARATE_EVENT = cue_pattern(r"\b{separate_event}\b")
# "the VDP has suffered 200 fatalities", "l'armée a perdu douze hommes": the side that
# lost people, not an attacker.
_LOSS_AFTER = cue_pattern(r"^\W{0,3}(?:\w+\s+){0,2}?{loss_after}\b")
_PASSIVE_AFTER = cue_pattern(r"^\W{0,3}(?:\w+\s+)?{passive_after}\b")
# ", backed by Russia,": an aside between commas, after which the name's verb may come.
_ASIDE_AFTER = re.compile(r"\s*,[^,.;:«»\"“”()]{1,40},")
# "in conflict with X", "contre X": X is the other side, not the perpetrator.
_OPPONENT_BEFORE = cue_pattern(r"{opponent_before}\s+{opponent_before_articles}?$")
_APPOSITION = re.compile(r"\s*,\s*")
_DEFINITE_BEFORE = cue_pattern(r"(?<![\w'])(?:{definite_articles})$")
# "an attack on a military camp", "la patrouille militaire": the army by its place or unit
_FACILITY = cue_pattern(r"\b{facility_nouns}\b")
# "villagers they suspected of belonging to a Dozo militia", "les soupçonnant
# d'appartenir aux donzos": the side the victims were said to be on is no attacker.
_AFFILIATION_BEFORE = cue_pattern(
    r"\b{suspicion_verbs}(?:\s+[\w'-]+){0,2}?\s+{affiliation_links}\s+{affiliation_articles}?$"
)
# "a flashpoint for jihadist attacks", "an area where extremists operate", "la menace
# terroriste": the actor describes the setting, it does not act in this event.
_SETTING_AFTER = cue_pattern(r"^\W{0,2}{setting_after}\b")
_SETTING_BEFORE = cue_pattern(r"{setting_before}\W{0,2}{setting_before_articles}?$")
# "jihadist groups linked to Al-Qaeda and the Islamic State group": the groups a
# background actor is tied to are background too.
_LINKED_TO_BETWEEN = cue_pattern(r"\s*,?\s*{linked_to}\b[^.;:()]{0,40}")
# "an insurgency by groups linked to al Qaeda and Islamic State": whom unnamed groups
# are tied to, not who acted; "and Islamic State" with it.
_TIED_TO = cue_pattern(
    r"\b{tie_heads}\s+{linked_to}\s*{tie_articles}?"
    r"(?:[\w'-]+(?:\s+[\w'-]+){0,2}\s*(?:,|\b{and_join}\b)\s*{tie_articles}?)?$"
)
_TIED_AND = cue_pattern(r"\s*(?:,|\b{and_join}\b)\s*{tie_articles}?")
# "the scene of bloody attacks by jihadist groups", "d'attaques sanglantes menées par des
# groupes": the agent of attacks in the plural, not counted or pointed at, is the text's
# background.
_BACKGROUND_BY = cue_pattern(
    r"(?<![\w-]){background_plurals}\s+(?:[\w'-]+\s+)?{background_by}\s+{agent_before_articles}?$"
)
_NOT_BACKGROUND = cue_pattern(r"(?<![\w'-]){background_not_after}\s+$")


def _background_agent(norm: str, start: int) -> bool:
    """Whether the actor at ``start`` is the agent of attacks in the plural."""
    m = _BACKGROUND_BY.search(norm, max(0, start - 60), start)
    return m is not None and not _NOT_BACKGROUND.search(norm, max(0, m.start() - 15), m.start())


# "revendiquée par l'organisation djihadiste X": up to two words describe the group.
_CLAIMED_BEFORE = cue_pattern(r"{claimed_before}\s+{claimed_before_articles}?(?:[\w'-]+\s+){0,2}$")
# "revendiquée par Al-Qaïda": a claim or blame, not a tie ("affiliés à Al-Qaïda").
_CLAIMED_BY = cue_pattern(r"{claimed_by}\s+{claimed_before_articles}?(?:[\w'-]+\s+){0,2}$")
_CLAIMED_AFTER = cue_pattern(r"^\W{0,3}(?:\w+\s+){0,2}?{claimed_after}\b")
# "carried out by the army and Russian mercenaries", "par l'armée et les auxiliaires du
# groupe Wagner": what may stand between two agents (up to three words of the second's
# name that the lexicon does not hold).
_AND_JOIN = cue_pattern(
    r"[\w\s'-]{0,25}?(?:,|\b{and_join}\b)\s*{and_join_articles}?(?:[\w'-]+\s+){0,3}"
)

_AND_ONLY = cue_pattern(r"\b{and_join}\b")
# A descriptor heading a named group's phrase is that group: "fighters of the Wagner
# Group", "les combattants étrangers du groupe Wagner" (descriptor, a word, "of", name)
# and "Wagner Group foreign fighters", "suspected JNIM militants" (name, a word,
# descriptor). The word between may not join two actors ("troops or fighters").
_MODIFIER = r"(?:(?!{not_a_modifier}\b)[\w'-]+\s+)?"
_DESCRIPTOR_OF_NAME = cue_pattern(
    rf"\s+{_MODIFIER}{{member_of}}(?:(?<=')|\s+{{member_of_articles}}?)"
)
_NAME_DESCRIPTOR = cue_pattern(rf"\s+{_MODIFIER}")
# A descriptor said to be a more telling actor is that actor: "gunmen believed to be
# jihadists", "des hommes armés présentés comme des jihadistes", "soupçonnés d'être du JNIM".
_IDENTIFIED_AS = cue_pattern(r",?\s+{identified_as:ws}\s+{identified_as_articles:ws}?")


@dataclass
class _ActorMention:
    canonical: str
    type: str
    start: int
    in_victims: bool
    claimant: bool
    agent: bool
    opponent: bool = False
    claimed: bool = False  # "claimed by JNIM": the group said it did it
    end: int = 0
    setting: bool = False  # "jihadist attacks", "where extremists operate": background
    tied: bool = False  # "groups linked to al Qaeda": whom unnamed groups are tied to
    speaker: bool = False  # "said a member of the VDP": the speaker's affiliation
    by_context: bool = False  # "government troops": the army of the text's main country
    facility: bool = False  # "a military camp": the army's place or unit, a target
    # "20 terrorists neutralised by the army": the (start, end) of the claim whose
    # participle the "by" phrase completes; the agent of that figure only
    agent_of: tuple[int, int] | None = None


def _all_mentions(doc: Doc, cues: EventCues) -> list[_ActorMention]:
    """Every actor mention of the doc with its cues, computed once per doc."""
    key = "civwatch_actor_mentions"
    if key in doc.user_data:
        cached: list[_ActorMention] = doc.user_data[key]
        return cached
    norm = folded(doc)
    claim_spans = sorted((c.number_start or c.start, c.end) for c in (doc._.claims or []))
    claim_ends = sorted((c.end, c.start) for c in (doc._.claims or []))
    out: list[_ActorMention] = []
    for actor, start, end, name_start in _named_groups(doc, norm):
        before = norm[max(0, start - 30) : start]
        after = norm[end : end + 40]
        i = bisect.bisect_right(claim_spans, (start, 1 << 62)) - 1
        in_victims = (i >= 0 and claim_spans[i][0] <= start < claim_spans[i][1]) or bool(
            _LOSS_AFTER.match(after)
        )
        passive = bool(_PASSIVE_AFTER.match(after))
        background = _background_agent(norm, start)
        by_agent = (
            bool(cues.agent_before.search(before))
            and not HOLDER_BY.search(before)
            and not background
        )
        aside = _ASIDE_AFTER.match(norm, end)
        if aside is not None:
            # "le groupe Wagner, soutenu par la Russie, ont tué": the verb after the aside
            after_aside = norm[aside.end() : aside.end() + 40]
            passive = passive or bool(_PASSIVE_AFTER.match(after_aside))
        agent = by_agent or (
            not passive
            and bool(
                cues.agent_after.match(after)
                or (aside is not None and cues.agent_after.match(after_aside))
            )
        )
        prev = out[-1] if out else None
        between = norm[prev.end : start] if prev is not None else ""
        # After the first actor's verb come its victims ("militants killed 30 civilians,
        # soldiers and militiamen"), not a second agent.
        joined = bool(_AND_JOIN.fullmatch(between)) and not cues.agent_after.match(between)
        if joined and prev is not None and prev.agent:
            agent = True  # "carried out by the army and Russian mercenaries"
        elif (
            joined
            and prev is not None
            and agent
            and not (prev.in_victims or prev.setting or prev.claimant)
            and _AND_ONLY.search(norm, prev.end, start)
        ):
            # "the Malian army and the Wagner Group have killed": both are the subject.
            prev.agent = True
        speaker = bool(_SPEAKER_OF_BEFORE.search(norm[max(0, start - 110) : start]))
        claimed_it = bool(_CLAIMED_AFTER.match(after))
        # "33 people were killed by jihadists": a "by" right after a claim is its agent.
        k = bisect.bisect_right(claim_ends, (start, 1 << 62)) - 1
        agent_of = None
        if k >= 0 and by_agent:
            claim_end, claim_start = claim_ends[k]
            gap = len(norm[claim_end:start]) - len(norm[claim_end:start].lstrip())
            if cues.agent_before.match(norm, claim_end + gap, start):
                agent_of = (claim_start, claim_end)
        opponent = bool(
            _OPPONENT_BEFORE.search(before)
            or _AFFILIATION_BEFORE.search(norm, max(0, start - 90), start)
            # "d'appartenir aux donzos, chasseurs traditionnels": an apposition
            or (prev is not None and prev.opponent and _APPOSITION.fullmatch(between))
        )
        # "groups linked to al Qaeda and Islamic State": a tie, and the group joined to it
        tied = bool(_TIED_TO.search(norm, max(0, start - 60), start)) or (
            prev is not None and prev.tied and bool(_TIED_AND.fullmatch(between))
        )
        claimed = not opponent and bool(
            # "des terroristes membres du JNIM": the name's own cue counts
            _CLAIMED_BEFORE.search(norm, max(0, name_start - 60), name_start)
            or claimed_it
            # "blamed the army and the Russian mercenaries": the group joined to it too
            or (prev is not None and prev.claimed and _TIED_AND.fullmatch(between))
        )
        if actor.if_claimed and not (
            claimed_it or _CLAIMED_BY.search(norm, max(0, name_start - 60), name_start)
        ):
            continue  # "groups linked to al-Qaeda": the setting, not this attack's group
        out.append(
            _ActorMention(
                canonical=actor.canonical,
                type=actor.type,
                start=start,
                in_victims=in_victims,
                # "killed by armed men, witnesses said": the passive's agent is no speaker
                # "JNIM claimed the attack": who claims the attack is no mere source
                claimant=bool(
                    _SOURCE_BEFORE.search(before)
                    or (_CLAIMANT_AFTER.match(after) and not by_agent and not claimed_it)
                    or speaker
                    or (_FINDER_AFTER.match(after) and not by_agent)
                ),
                agent=agent,
                opponent=opponent,
                claimed=claimed,
                end=end,
                tied=tied,
                setting=not agent
                and bool(
                    tied
                    or _SETTING_AFTER.match(after)
                    or _SETTING_BEFORE.search(before)
                    or background
                    or (prev is not None and prev.setting and _LINKED_TO_BETWEEN.fullmatch(between))
                ),
                speaker=speaker,
                by_context=actor.by_context,
                agent_of=agent_of,
                facility=bool(_FACILITY.search(norm, start, end)),
            )
        )
    doc.user_data[key] = out
    return out


def _named_groups(doc: Doc, norm: str) -> list[tuple[Actor, int, int, int]]:
    """The doc's armed actors as ``(actor, start, end, start of the name)``, a descriptor
    heading a named group's phrase joined to it (see ``_DESCRIPTOR_OF_NAME``)."""
    out: list[tuple[Actor, int, int, int]] = []
    for span in actor_spans(doc):
        actor: Actor = span._.actor
        if actor.type == "civilians":
            continue
        if out:
            last, start, end, name_start = out[-1]
            between = norm[end : span.start_char]
            last_vague, vague = last.canonical in _GENERIC_RANK, actor.canonical in _GENERIC_RANK
            if last_vague and not vague and _DESCRIPTOR_OF_NAME.fullmatch(between):
                out[-1] = (actor, start, span.end_char, span.start_char)
                continue
            if vague and not last_vague and _NAME_DESCRIPTOR.fullmatch(between):
                out[-1] = (last, start, span.end_char, name_start)
                continue
            more_telling = _GENERIC_RANK.get(actor.canonical, 2) > _GENERIC_RANK.get(
                last.canonical, 2
            )
            if more_telling and _IDENTIFIED_AS.fullmatch(between):
                out[-1] = (actor, start, span.end_char, span.start_char)
                continue
        out.append((actor, span.start_char, span.end_char, span.start_char))
    return out


def _told_abroad(doc: Doc, sents: list[tuple[int, int]], at: int, country: str | None) -> bool:
    """Is the sentence at ``at`` about places in other countries only? ("… a week after
    Islamic State militants killed 129 people in Paris": a group named there acted there.)"""
    if not country:
        return False
    a, b = next(((a, b) for a, b in sents if a <= at < b), (at, at))
    found = {
        sp._.place.country
        for sp in place_spans(doc)
        if a <= sp.start_char < b and sp._.place is not None and sp._.place.country
    }
    return bool(found) and country not in found


def _mentions(
    doc: Doc, norm: str, sentences: list[tuple[int, int]], cues: EventCues
) -> list[_ActorMention]:
    return [m for m in _all_mentions(doc, cues) if any(a <= m.start < b for a, b in sentences)]


def attacked_side(doc: Doc, sentence: tuple[int, int], cues: EventCues) -> str | None:
    """The side an attack told with no figure struck, from its sentence: a state force
    or a peacekeeping mission named there that neither acts, speaks nor claims ("an attack
    on the Nampala military camp", "une attaque visant une école de gendarmerie")."""
    norm = folded(doc)
    for m in _mentions(doc, norm, [sentence], cues):
        if m.agent or m.opponent or m.claimed or m.setting:
            continue
        if (m.claimant or m.speaker) and not m.facility:
            continue  # "…, the army said"; a camp speaks for no one ("… camp de X, a dit")
        if m.type == "peacekeepers":
            return "peacekeepers"
        if m.type in STATE_TYPES and m.canonical not in _STATE_ALLIES:
            return "soldiers"
    return None


def _dedupe(names: list[str]) -> list[str]:
    """Drop generic descriptors ("unidentified gunmen") when a more specific actor is named."""
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    best = max((_GENERIC_RANK.get(n, 2) for n in out), default=0)
    return [n for n in out if _GENERIC_RANK.get(n, 2) >= best or _GENERIC_RANK.get(n, 2) == 2]


def actor_roles(
    doc: Doc,
    group: list[Claim],
    side: str,
    country: str | None,
    cues: EventCues,
    passing: frozenset[tuple[int, int]] = frozenset(),
) -> tuple[list[str], list[str]]:
    """Perpetrators and targets from the actors named around the group's claims.

    ``passing``: the sentences of the document's earlier events told in passing, whose
    actors are theirs ("Five days ago, gunmen attacked a hotel …" beside a rocket
    attack's toll)."""
    norm = folded(doc)
    own = sorted({c.sentence for c in group})
    sents = sentence_bounds(doc)
    idx = [i for i, s in enumerate(sents) if s in own]
    if any(_SEPARATE_EVENT.search(norm, a, b) for a, b in own):
        # "A separate incident in Tessalit left three peacekeepers injured": the actors
        # of the sentences around are the other event's.
        passing = passing | frozenset(s for s in sents if s not in own)
    near = [
        sents[j]
        for j in sorted({j for i in idx for j in (i - 1, i + 1)} - set(idx))
        if 0 <= j < len(sents) and sents[j] not in passing
    ]
    first_claim = min(c.start for c in group)
    # The national army is a line of nlp/data/actors.jsonl ("army": true, its country).
    national = load_actor_lexicon().national_army(country)

    def armed(
        ms: list[_ActorMention],
        allow_claimant: bool = False,
        allies: bool = True,
        allies_as_agents: bool = False,
    ) -> list[str]:
        # Around the figure, the army's auxiliaries are held to the army's rule: only
        # as an agent do they kill civilians ("the VDP shot down 11 terrorists").
        # Among generic descriptors, the agent of an attack verb ("des individus
        # armés ont attaqué") over those merely named around it ("des terroristes").
        cands = [m for m in ms if m.type not in STATE_TYPES]
        if all(m.canonical in _GENERIC_RANK for m in cands) and any(m.agent for m in cands):
            ms = [m for m in cands if m.agent]
        return [
            m.canonical
            for m in ms
            if m.type not in STATE_TYPES
            and (m.canonical not in _STATE_ALLIES or (allies and (m.agent or not allies_as_agents)))
            and m.type != "peacekeepers"
            and not m.in_victims
            and not m.opponent
            and not m.setting
            and (allow_claimant or not m.claimant)
        ]

    def state(
        ms: list[_ActorMention], agents_only: bool, allow_claimant: bool = False
    ) -> list[str]:
        # "Government troops" of a text about several countries: the army of the
        # incident's country, not of the country the text is most about.
        return [
            national if m.by_context and national else m.canonical
            for m in ms
            if m.type in STATE_TYPES
            and not m.facility
            and not m.in_victims
            and not m.opponent
            and (allow_claimant or not m.claimant)
            and (not agents_only or m.agent)
        ]

    # "20 terrorists neutralised by the army and nine civilians killed": the agent of
    # another figure of the sentence is not the agent of this group's figures.
    spans = {(c.start, c.end) for c in group}
    in_own = _mentions(doc, norm, own, cues)
    foreign = {m.start for m in in_own if m.agent_of is not None and m.agent_of not in spans}
    mine = [m for m in in_own if m.start not in foreign]
    around = _mentions(doc, norm, near, cues)
    paragraph = [
        sents[j]
        for j in sorted({j for i in idx for j in range(i - ROLE_REACH, i + ROLE_REACH + 1)})
        if 0 <= j < len(sents) and (sents[j] in own or sents[j] not in passing)
    ]
    in_paragraph = [m for m in _mentions(doc, norm, paragraph, cues) if m.start not in foreign]
    army = [national] if national else []
    # "a car bomb … the bombing": a bomb set off on the ground is no strike from the air.
    # "One of those strikes hit a wedding at X. Six civilians were killed": the sentence
    # that leads to the toll, with no figure of its own, tells what killed them.
    lead = [sents[idx[0] - 1]] if idx and idx[0] > 0 else []
    if lead and any(c.sentence == lead[0] for c in doc._.claims or ()):
        lead = []
    strike = any(
        _AIR_STRIKE.search(norm, a, b) and not _GROUND_BOMB.search(norm, a, b)
        for a, b in own + lead
    )
    if strike and side in ("civilians", "unknown"):
        # Only a state (or a foreign force) strikes from the air: the armed groups named
        # around an air strike accuse, hide or are the intended target.
        nearest_first = sorted(
            [m for m in in_paragraph if m.start < first_claim], key=lambda m: -m.start
        ) + [m for m in in_paragraph if m.start >= first_claim]
        # The agents of the sentence itself all count ("the army and Wagner have killed");
        # from around it, only the nearest state named, with those blamed beside it
        # ("the rebels blamed the army and Russian mercenaries").
        strikers = state(mine, agents_only=True)
        if not strikers:
            named = [m for m in nearest_first if state([m], agents_only=False, allow_claimant=True)]
            if named:
                first = named[0]
                home = next(((a, b) for a, b in sents if a <= first.start < b), (0, 0))
                joined = [first] + [
                    m
                    for m in named[1:]
                    if first.claimed and m.claimed and home[0] <= m.start < home[1]
                ]
                strikers = state(joined, agents_only=False, allow_claimant=True)
        perps = _dedupe(strikers) or army
        targets = ["civilians"] if side == "civilians" else []
    elif side in ("civilians", "unknown"):
        perps = armed(mine) + state(mine, agents_only=True)
        if not perps:
            # "… left 70 dead, a heavy toll for the security forces. The attack was claimed
            # by JNIM": the group that claimed it, not a force merely named beside the toll
            # "… The rebels accused the army and Wagner": the forces the text blames, not
            # one named in a sentence with another toll (that toll's force)
            blamed = [m for m in in_paragraph if m.claimed]
            elsewhere = {
                c.sentence for c in doc._.claims or () if (c.start, c.end) not in spans
            } - set(own)
            perps = armed(blamed) or state(
                [m for m in blamed if not any(a <= m.start < b for a, b in elsewhere)],
                agents_only=False,
                allow_claimant=True,
            )
        if not perps:
            # "Malian soldiers … 20 civilians dead": a state force named before civilian
            # victims is their killer; before victims of no side ("a camp of the army
            # came under attack, killing 17") it is as likely the target.
            before_claim = [m for m in mine if m.start < first_claim]
            perps = state(before_claim, agents_only=side == "unknown")
        if not perps:
            perps = armed(around, allies_as_agents=True) + state(around, agents_only=True)
        if not perps:
            perps = armed(in_paragraph, allies_as_agents=True)[:1]
        targets = ["civilians"] if side == "civilians" else []
    elif side == "soldiers":
        # The army's auxiliaries (VDP) fight beside the soldiers: never their attacker.
        # "five police officers were killed … and about 15 attackers were killed": the
        # attackers who fell in the soldiers' fight are the side that fought them.
        fallen = [
            m.canonical
            for m in mine
            if m.in_victims
            and m.type not in STATE_TYPES | {"peacekeepers"}
            and m.canonical not in _STATE_ALLIES
            and not any((c.number_start or c.start) <= m.start < c.end for c in group)
        ]
        perps = (
            armed(mine, allies=False)
            or armed(around, allies=False)
            or _dedupe(fallen)
            or armed(in_paragraph, allies=False)[:1]
        )
        victims = [
            m.canonical for m in mine if m.in_victims and m.type in STATE_TYPES | {"militia"}
        ]
        targets = victims or state(mine, agents_only=False, allow_claimant=True) or army
    elif side == "militants":
        # "IS Sahel fighters killed a dozen JNIM members": the victims are a named group
        # and another group is the subject of the killing, not the army.
        named_victims = {
            m.canonical
            for m in mine
            if m.in_victims and m.type not in STATE_TYPES and m.canonical not in _GENERIC_RANK
        }
        rivals = _dedupe(
            [
                m.canonical
                for m in mine
                if named_victims
                and m.agent
                and m.canonical not in named_victims | set(_GENERIC_RANK)
                and m.type not in STATE_TYPES | {"peacekeepers"}
                and not (m.in_victims or m.claimant or m.setting or m.opponent)
            ]
        )
        # "les VDP ont réussi à abattre 11 terroristes": the army's auxiliaries named
        # with the militants' deaths fought them, beside any army named there.
        auxiliaries = [
            m.canonical
            for m in mine
            if m.canonical in _STATE_ALLIES
            and not (m.in_victims or m.opponent or m.claimant or m.setting or m.speaker)
        ]
        perps = (
            rivals
            or state(mine, agents_only=False, allow_claimant=True) + auxiliaries
            or state(around, False, True)
            or army
        )
        targets = [m.canonical for m in mine if m.in_victims and m.type not in STATE_TYPES]
        # "assailants" alone is generic: a group named around it says who they were.
        others = [a for a in armed(mine) + armed(around) if a not in rivals]
        targets = _dedupe(targets + others) or [_DEFAULT_TARGET["militants"]]
    else:  # peacekeepers
        perps = armed(mine) or armed(around)
        targets = [m.canonical for m in mine if m.type == "peacekeepers"] or [
            _DEFAULT_TARGET["peacekeepers"]
        ]
    perps = _dedupe(perps)
    if side != "militants" and perps and all(p in _GENERIC_RANK for p in perps):
        # "suspected jihadists" in the sentence, "claimed by JNIM" elsewhere in the paragraph.
        claimed = {
            m.canonical
            for m in in_paragraph
            if m.claimed
            and m.type not in STATE_TYPES
            and m.canonical not in _STATE_ALLIES
            and not m.in_victims
            and not m.speaker  # "said a member of X": a speaker, not the attackers' group
            and m.canonical not in _GENERIC_RANK  # "l'organisation djihadiste X": X
        }
        if len(claimed) == 1:
            perps = sorted(claimed)
    # "Katiba Macina fighters attacked Kati … In one of those incidents, the extremists
    # attacked a police base": a descriptor with the definite article refers back.
    definite = (
        side != "militants"
        and bool(perps)
        and all(p in _GENERIC_RANK for p in perps)
        and all(
            _DEFINITE_BEFORE.search(norm, max(0, m.start - 12), m.start)
            for m in mine
            if m.canonical in perps
        )
        and any(m.canonical in perps for m in mine)
    )
    if definite or (
        side != "militants"
        and perps
        and all(_GENERIC_RANK.get(p) == 0 for p in perps)
        # "Jihadists raided the villages. … 40 dead. The attackers opened fire": gunmen
        # named only around the toll are the one more telling agent named before it.
        and not any(m.canonical in perps for m in mine)
    ):
        least = max(_GENERIC_RANK.get(p, 2) for p in perps)
        telling = {
            m.canonical
            for m in in_paragraph
            if m.agent
            and m.start < first_claim
            and m.type not in STATE_TYPES
            and m.canonical not in _STATE_ALLIES
            and _GENERIC_RANK.get(m.canonical, 2) > least
            and not (m.in_victims or m.setting or m.claimant or m.opponent or m.speaker)
            and not _told_abroad(doc, sents, m.start, country)
        }
        if len(telling) == 1:
            perps = sorted(telling)
    if (
        side != "militants"
        and perps
        and all(p in _GENERIC_RANK for p in perps)
        and any(LAID_BOMB.search(norm, a, b) for a, b in own)
        and not any(m.agent and m.canonical in perps for m in mine)
        and not any(m.claimed and m.canonical in perps for m in in_paragraph)
    ):
        # "a vehicle hit a mine, killing ten": who laid it is not said; "jihadists"
        # named around the blast are the setting, not its authors, unless the text
        # blames them ("le fait des groupes islamistes", "blamed on jihadists").
        perps = []
    return perps, _dedupe(targets)
