/**
 * Immediate danger, read from the person's own words (the policy, Appendix 1 section 8: "threatening ...
 * posts"; the report form's "I am in immediate danger"). Deliberately wide: a person who is told about 999
 * without needing it loses a moment, a person in danger who is not told may lose far more. Each cue needs
 * a threat of harm to a person or fear for one's safety, so idioms ("I killed it in the meeting", "this
 * spreadsheet is killing me", "threatening weather", "in danger of missing the deadline") do not count.
 * Runs on normalised, typo-corrected text; needs no service of any kind.
 */

/** Someone says they will (or want to, or threatened to) do something. */
const INTENT = String.raw`(will|would|going to|threat\w*|said|says|saying|say|wants? to|want\w* to|tried to|trying to|try to|coming to|come to|hell|theyll|shell|ill|gonna)`;
/** Doing harm to a person. `kil+` catches "kil" and "kill"; "batter" and "do me in" are how it is said in Scotland. */
const HARM = String.raw`(kil+|murder|stab|shoot|shot|hurt|harm|batter|attack|beat|burn|torch|acid|petrol|break|smash|slash)(?:s|ed|ing|en|t|ting|bing|bed|er|ered|ering)?\b`;
/**
 * Who is harmed: a person, their family or their home; not "it would harm our reputation" or "my career".
 */
const TARGET = String.raw`(me|us|you|him|her|them|family|kids|children|(my|your|our|his|her|their) (?!(reputation|career|chances|job|prospects|image|standing|credibility|brand|case|application|name)\b)\w+)`;

export interface DangerCue {
  readonly id: string;
  readonly pattern: RegExp;
}

export const DANGER_CUES: readonly DangerCue[] = [
  { id: 'threat-of-harm', pattern: new RegExp(String.raw`\b${INTENT}\b(?: \w+){0,7}? ${HARM}(?: \w+){0,2}? ${TARGET}\b`) },
  { id: 'threat-of-harm', pattern: new RegExp(String.raw`\b${INTENT}\b(?: \w+){0,7}? (do (me|you|us) in|end (me|you)|kil+ \w+ and (me|you)|sort (me|you|us) out|do something to (me|you|us)|wait for (me|you|us)|get (me|you) (back|later)|set (my|your|our) \w+ (on fire|alight))\b`) },
  { id: 'deserve-to-die', pattern: /\bdeserves? to (die|be (shot|killed|stabbed|hurt|battered|burned|attacked)|get (hurt|shot|stabbed|battered|killed))\b|\bwatch (your|my) back\b|\bset (my|our) (house|home|flat|car|van|door) (on fire|alight)\b|\bfire (to|through) (my|our)\b/ },
  { id: 'here-now', pattern: /\b(he|she|they|someone|somebody) (is|are) (here|at my door|downstairs|in the building|in reception)\b/ },
  { id: 'threat-of-harm', pattern: /\bthreat\w* (to )?(kil+|murder|stab|shoot|hurt|harm|attack|batter|beat|burn)\w*\b/ },
  { id: 'threat-to-family', pattern: /\bthreat\w* (against |to )?(me and )?(my|our) (children|kids|family|wife|husband|partner|son|daughter|life|dog|home|house)\b/ },
  { id: 'threat-to-come', pattern: /\bthreat\w* (to )?(come|coming|turn up|visit|call) (to |round |at |round to )?(my|our) (house|home|flat|door|work|office)\b/ },
  { id: 'waiting-for-me', pattern: /\b(will be|is|are|be|was) waiting for (me|you|us)\b/ },
  { id: 'watching-my-home', pattern: /\b(driving|drive|drives|drove|walking|walks|walked|hanging|sitting) (past|by|round|around|outside) (my|our) (house|home|flat|door|close|street)\b/ },
  { id: 'will-be-killed', pattern: /\b(will|going to|gonna) (be|get) (kil+ed|murdered|stabbed|shot|hurt|battered)\b/ },
  { id: 'death-threat', pattern: /\bdeath threats?\b|\bthreat\w* (to|on|against) my life\b|\bmy life (has been|was|is being|is) threatened\b/ },
  { id: 'you-are-dead', pattern: /\b(you are|your|you will be|i will be) (a )?dead\b|\bdead (man|woman|meat)\b/ },
  { id: 'in-danger', pattern: /\b(i am|we are|i might be|i may be|i could be|am i|i feel|feel|i think i am|i was) (\w+ )?in danger\b(?! of)/ },
  { id: 'not-safe', pattern: /\b(not|never|no longer) (\w+ )?(feel|feeling|felt) safe\b|\b(i am|we are|am i|i am just) not safe\b|\b(feel|feeling|felt) (unsafe|in danger)\b/ },
  { id: 'afraid-to-go', pattern: /\b(scared|afraid|frightened|terrified|too scared|feared|fear) (to|of going|of leaving) (go|going|leave|leaving|walk|walking|get|getting) (home|out|outside|the office|the house|my house|work|to work|to my car)\b/ },
  { id: 'afraid-to-go', pattern: /\b(scared|afraid|frightened|terrified) to (go|leave|walk)\b(?! (on|onto|online|to the meeting))/ },
  { id: 'fear-for-safety', pattern: /\b(fear|fearing|feared|scared|afraid|frightened|worried|terrified) (for|about) (my|our|his|her|their) (life|lives|safety)\b/ },
  { id: 'someone-outside', pattern: /\b(he|she|they|someone|somebody|man|guy|woman|person|people|tenant|customer)( is| are| was| were| has been)?( still| now| right now| sitting| standing| waiting| parked| hanging about)* (outside|at my door|at the door|at my house|at my home|at my flat)\b/ },
  { id: 'outside-my-home', pattern: /\b(is|are|was|were|been|now|still|sitting|standing|waiting|parked|lurking)( right)? outside (my|our|the) (house|home|flat|door|work|office|car|close|building|window)\b/ },
  { id: 'outside-my-home', pattern: /\b(waiting|parked|standing|sitting|lurking|hanging about|watching) (\w+ ){0,2}(outside )?(my|our) (house|home|flat|door|work|office|car|close|street)\b/ },
  { id: 'turned-up', pattern: /\b(turned|turn|turning|showed|shown) up (at|outside) (my|our|the) (house|home|flat|door|work|office)\b/ },
  { id: 'followed-home', pattern: /\b(follow|followed|following) (me|us) (home|to my car|from work|to work)\b/ },
  { id: 'knows-where-i-live', pattern: /\b(know|knows|knew|found out|find out|finding out) where (i|you|we) (live|stay)\b/ },
  { id: 'coming-for-me', pattern: /\bcoming (round|to get me|for me|after me|to my (house|home|flat))\b/ },
  { id: 'weapon', pattern: /\b(has|got|with|carrying|brought|bring) (a )?(knife|gun|weapon|blade|machete)\b/ },
  { id: 'letterbox', pattern: /\bpetrol (through|in) (my|the) letterbox\b/ },
];

/** The cues that fire, by id; empty when nothing reads as danger. */
export function dangerCues(text: string): string[] {
  return [...new Set(DANGER_CUES.filter((cue) => cue.pattern.test(text)).map((cue) => cue.id))];
}
