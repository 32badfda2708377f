/**
 * What a person asks for, read from weighted cues on normalised, typo-corrected text. Each cue is a
 * phrase pattern with a weight; an intent's score is the sum of its cues that fire; the highest score of
 * at least {@link MIN_SCORE} wins, ties going to the earlier intent in {@link INTENTS} (reporting abuse
 * before anything else). The words come from the policy ("threats, abuse or harassment", "request to do
 * so by presenting a business case", "concerns regarding the posts", "remove internet postings").
 */
export const INTENTS = ['danger', 'reportAbuse', 'takedown', 'requestAccess', 'concern', 'myActions', 'policy', 'help', 'unknown'] as const;
export type Intent = (typeof INTENTS)[number];

export interface IntentCue {
  readonly intent: Exclude<Intent, 'danger' | 'unknown'>;
  readonly id: string;
  readonly weight: number;
  readonly pattern: RegExp;
}

export const MIN_SCORE = 2;

const SITE = String.raw`(facebook|fb|twitter|x|tweet\w*|linkedin|linked in|instagram|insta|snapchat|yammer|viva engage|viva|youtube|vimeo|tiktok|tik tok|social media|whatsapp|nextdoor|a site|sites|it)`;
const POSTING = String.raw`(post|posts|comment|comments|tweet|tweets|photo|photos|picture|pic|video|content|story|status|message|something|it|this|that|them|what (they|he|she|you|someone) (posted|put up|shared|wrote))`;

export const INTENT_CUES: readonly IntentCue[] = [
  // Appendix 1 section 8 and the Policy Details: "threats, abuse or harassment", "threatening or inappropriate posts".
  { intent: 'reportAbuse', id: 'harassment', weight: 4, pattern: /\b(harass|harras|harrass)\w*/ },
  { intent: 'reportAbuse', id: 'abuse', weight: 4, pattern: /\b(abuse|abused|abusing|abusive|abuser|abusers)\b/ },
  { intent: 'reportAbuse', id: 'not-abuse-of-a-person', weight: -6, pattern: /\babuse of (process|power|position|the system|trust|privilege|authority)\b|\b(substance|drug|alcohol|drugs) abuse\b|\babuse (awareness|training|prevention|support services|services)\b/ },
  { intent: 'reportAbuse', id: 'threats', weight: 4, pattern: /\bthreat(s|en|ened|ening|ens)?\b/ },
  { intent: 'reportAbuse', id: 'not-a-threat-to-a-person', weight: -6, pattern: /\bthreaten\w* to (go to|contact|complain|tell the|take us|sue|report us|leave a review|withhold)\b|\b(storm|weather|sky|skies|clouds|rain|wind)\b(?: \w+){0,2} threatening\b|\bthreatening (weather|sky|skies|clouds|rain)\b|\bthreat (level|levels|assessment|model|intelligence|landscape)\b|\bthreat to (our|the|my) (kpi|kpis|target|targets|budget|business|service|plan|deadline)s?\b/ },
  { intent: 'reportAbuse', id: 'bullying', weight: 4, pattern: /\b(bully|bullied|bullying|bullyed|bullies|cyberbully\w*|cyberbullied)\b|\bcyber bull\w*/ },
  { intent: 'reportAbuse', id: 'stalking', weight: 4, pattern: /\bstalk(ed|ing|er|ers|s)?\b/ },
  { intent: 'reportAbuse', id: 'trolling', weight: 4, pattern: /\btroll(s|ed|ing)?\b/ },
  { intent: 'reportAbuse', id: 'doxxing', weight: 4, pattern: /\bdoxx?(ed|ing)?\b|\b(posted|posting|shared|sharing|put up|published|publishing) (my|our) (home |personal )?(address|phone|number|details|kids)\b|\bshared where i (work|live)\b|\bmy (home |personal )?(address|phone number|number|details)\b(?: \w+){0,3} (posted|shared|published|put up|leaked)\b/ },
  { intent: 'reportAbuse', id: 'impersonation', weight: 4, pattern: /\bimpersonat\w*|\bpretending to be (me|us|from|our|a|an|my)\b|\bfake (\w+ ){0,2}(account|profile|page)\b|\bparody account\b|\busing my (name|photo|picture|face)\b/ },
  { intent: 'reportAbuse', id: 'hateful-messages', weight: 3, pattern: /\b(racist|sexist|sectarian|homophobic|transphobic|hateful|hate|vile|nasty|horrible|intimidating|unwanted sexual|sexual|threatening|offensive|unpleasant|abusive|horrid|sick|rude|disgusting|cruel|derogatory|degrading|inappropriate|creepy|aggressive|hurtful|upsetting|personal)\b(?: \w+){0,3} (messages?|comments?|dms?|posts?|tweets?|snaps?|speech|mail|emails?|texts?)\b/ },
  { intent: 'reportAbuse', id: 'aimed-at-me', weight: 2, pattern: /\b(about me|at me|of me|calling me|called me|mocking me|slagging me|naming me|messaging me|tagged in|swearing at me|sending me|abusing me|to me on|me online)\b|\b(got|been|was|being|get) called\b|\babout my (weight|appearance|looks|body|face|hair|accent|religion|race|colour|disability|family|kids)\b/ },
  { intent: 'reportAbuse', id: 'wont-stop', weight: 3, pattern: /\b(will not|wont) leave me alone\b|\bkeeps? (messaging|commenting|sending|tagging|following|contacting|posting|replying)\b(?: \w+){0,2} (me|my)\b|\b(after|since) i blocked\b|\bi have blocked (them|him|her)\b|\bi have asked (him|her|them) to stop\b/ },
  { intent: 'reportAbuse', id: 'intimidation', weight: 3, pattern: /\b(hassle|hassling|grief|targeted|targeting|intimidat\w*|victimis\w*|victimiz\w*|ganging up|pile on|hate speech|name calling|insulted|insulting|hateful|behaving unacceptably)\b/ },
  // Policy, Risks: "Breach of Safeguarding", "Social engineering attacks".
  { intent: 'reportAbuse', id: 'safeguarding', weight: 4, pattern: /\bsafeguarding\b|\bgroom(ed|ing)\b|\bvulnerable (tenant|person|adult|child|young)|\b(messaging|contacting|talking to|commenting to) (children|kids|young people|a child|minors|teenagers)\b/ },
  { intent: 'reportAbuse', id: 'social-engineering', weight: 4, pattern: /\bsocial engineering\b|\bphishing\b|\b(claiming|pretending) to be (from|our|the)\b|\basking (me )?for (my )?(password|passwords|tenant details|details|bank)|\bscam\w*|\b(asking|asked) me to (log in|sign in|enter|give|send|share)\b/ },
  { intent: 'reportAbuse', id: 'ainm', weight: 4, pattern: /\bainm\b|\bnear miss\b|\b(report|raise|log|record) (an |the )?incident\b|\bincident (form|report)\b|\bunacceptable (actions|behaviour)\b/ },
  { intent: 'reportAbuse', id: 'dignity-at-work', weight: 2, pattern: /\bdignity at work\b/ },

  // Appendix 1 section 7: "required to remove internet postings"; house rules: "removal of offensive or unacceptable posts".
  { intent: 'takedown', id: 'remove-a-post', weight: 8, pattern: new RegExp(String.raw`\b(remove|removed|removing|delete|deleted|deleting|hide|hidden|get rid of|kill)\b(?: \w+){0,3} ${POSTING}\b`) },
  { intent: 'takedown', id: 'post-removed', weight: 8, pattern: new RegExp(String.raw`\b${POSTING}\b(?: \w+){0,5} (removed|deleted|taken down|hidden|taken off)\b`) },
  { intent: 'takedown', id: 'has-to-go', weight: 8, pattern: /\b(needs?|has|have|had|ought) to (be|come) (deleted|removed|taken down|down|taken off|hidden)\b/ },
  { intent: 'takedown', id: 'take-down', weight: 8, pattern: /\b(takedown|take down|tak down|taken down|taking down|removal)\b|\b(take|tak|taken|taking|takes) (it|this|that|them|the post|their post|the tweet|the photo|the picture|something) (down|off)\b|\btaken off\b|\b(come|comes|coming) down\b|\bneeds? (removed|deleting|deleted|taking down)\b/ },

  // Policy, Scope: "request to do so by presenting a business case in the first instance to their manager".
  { intent: 'requestAccess', id: 'access', weight: 3, pattern: /\baccess\b/ },
  { intent: 'requestAccess', id: 'blocked', weight: 4, pattern: /\bunblock\w*|\b(is|are|been|gets|got|still) blocked\b|\bblocked (on|at|for) (my|work|the)\b|\b(can not|cannot) (i )?(open|get on|get into|use|see|load)\b/ },
  { intent: 'requestAccess', id: 'site-for-work', weight: 3, pattern: new RegExp(String.raw`\b${SITE}\b(?: \w+){0,4} (for|at|in|during|on) (my |the |our |a )?(work|job|role|team|campaign|project|recruitment|recruiting|networking|course|training|working hours|work hours|work laptop|work pc|work computer|estate pages|comms|youth)`) },
  { intent: 'requestAccess', id: 'need-a-site', weight: 2, pattern: new RegExp(String.raw`\b(need|want|have|get|get on|apply for|request|requesting|ask for|ask you for|asking for)( access to| to use| to get on)? ${SITE}\b`) },
  { intent: 'requestAccess', id: 'site-please', weight: 2, pattern: new RegExp(String.raw`^${SITE} (please|pls)\b`) },
  { intent: 'requestAccess', id: 'business-case', weight: 3, pattern: /\bbusiness case\b|\bon behalf of (the|our|wheatley|my)\b|\brequest access\b|\baccess request\b|\b(renew|extend)\b(?: \w+){0,3} (access|request)\b|\b(access|it) (runs|ran) out\b/ },

  // Appendix 1 section 9: "If you have any concerns regarding the posts on our social media sites talk to your manager
  // or a member of the Communications Team"; the Policy's "Responding to customers".
  { intent: 'concern', id: 'posted-about-us', weight: 3, pattern: /\b(posted|posting|posts|tweeted|talking|saying|wrote|written|complaining|moaning|story) (\w+ ){0,3}about (us|wheatley|our|the company|the group|a staff|one of our|the concierge|a tenant|a repair|the state)\b|\babout (us|wheatley) (online|on)\b|\bpost about (us|wheatley)\b/ },
  { intent: 'concern', id: 'talking-about', weight: 2, pattern: /\b(posted|posting|tweeted|saying|talking|complaining|moaning|writing|wrote|commenting) (\w+ ){0,3}about\b|\b(review|reviews|thread|post)( online)? (says|saying)\b|\bposted online\b/ },
  { intent: 'concern', id: 'our-service', weight: 1, pattern: /\b(our|wheatley) (staff|service|services|repairs|concierge|flats|homes|buildings?|blocks?|estates?|office|team|boiler)\b|\bwe (never|did not|have not|left)\b/ },
  { intent: 'concern', id: 'complaint', weight: 3, pattern: /\b(complain|complained|complaining|complaint|complaints|moaning|moan)\b/ },
  { intent: 'concern', id: 'bad-press', weight: 3, pattern: /\b(bad|negative|poor) (review|reviews|comments?|things|posts?|press)\b|\bmisinformation\b|\b(lies|not true|spreading)\b|\bslagging (off )?(us|our|wheatley)\b|\bcriticis\w*|\bsome of it is wrong\b/ },
  { intent: 'concern', id: 'raise-a-concern', weight: 4, pattern: /\bconcern\b|\bconcerns\b|\bworried about (something|a post|what)\b|\b(log|logging) a (customer )?post\b|\bcustomer post\b|\bpost to log\b/ },
  { intent: 'concern', id: 'someone-posted', weight: 2, pattern: /\b(tenant|tenants|resident|residents|customer|customers|people|journalist|reporter|councillor|msp|mp|politician|colleague|colleagues|staff member|member of staff|one of my team|former employee|someone|somebody|neighbour)\b(?: \w+){0,3} (posted|shared|tweeted|put|made|left|posting|says|saying|wrote|writing|commented|commenting)\b|\bthreaten\w* to (go to|contact|complain|tell|take|sue)\b/ },
  { intent: 'concern', id: 'post-about-us', weight: 3, pattern: /\bposted something (inappropriate|confidential)\b|\b(post|posts|comment|comments|thread|story|video|tweet|review|article)\b(?: \w+){0,5} (about|on) (us|our|wheatley|one of our|a staff|the broken)\b/ },

  { intent: 'myActions', id: 'waiting', weight: 4, pattern: /\b(waiting|pending|outstanding|on my plate|to do list|todo|my to do|needs? my (action|attention)|my actions|my tasks|my open items|what have i got)\b/ },
  { intent: 'myActions', id: 'my-cases', weight: 4, pattern: /\bmy (\w+ )?(stuff|cases|cses|items|requests?|reports?|things|notices?|list)\b/ },
  { intent: 'myActions', id: 'where-is-mine', weight: 3, pattern: /\b(status of|where is|check|show me|show|has|did) my\b|\b(has|have|did) (my|\w+ \w+) (\w+ ){0,3}(approved?|been approved|signed off)\b/ },
  { intent: 'myActions', id: 'things-to-do', weight: 3, pattern: /\b(what|anything|things) (do )?i need to (do|approve|sign off)\b|\banything for me to (do|approve|sign off)\b|\b(got|need|have) to (approve|sign off)\b|\bneeds doing\b|\banything (for me|i need|need approving|to approve)\b|\b(what|anything) (is )?happening with my\b|\bneed approving\b/ },

  // Appendix 1: the guidelines themselves.
  { intent: 'policy', id: 'policy', weight: 5, pattern: /\b(policy|policies|guidelines|guidance|code of conduct|house rules|rules|rule on|dos and donts|dos? and don ?ts)\b/ },
  { intent: 'policy', id: 'may-i-post', weight: 3, pattern: /\b(what|can|may|allowed|ok|okay|safe|alright)\b(?: \w+){0,4} (post|share|say|comment|reply|talk|tweet|put|publish)\b/ },
  { intent: 'policy', id: 'personal-use', weight: 3, pattern: /\bfriend requests?\b|\bfriends with\b|\bdisclaimer\b|\blogo\b|\bpersonal (use|account|profile|page)\b|\bmy (own|personal) (account|profile|page|instagram|facebook)\b|\bdisciplin\w*|\b(break|breach|breaking|breaching) the\b|\bat lunch\b|\bpolitics\b|\b(my|on my|lunch|tea) break\b|\bfollow (tenants|customers|residents)\b/ },
  { intent: 'policy', id: 'allowed', weight: 2, pattern: /\b(allowed|permitted|acceptable|appropriate)\b/ },

  { intent: 'help', id: 'help', weight: 3, pattern: /\b(help|hlep|halp|commands|instructions|options|menu)\b/ },
  { intent: 'help', id: 'what-can-you-do', weight: 3, pattern: /\bwhat (can|do) (you|this bot|this|it|i ask)\b|\bwhat you can do\b|\bwhat are you\b|\bwhat can i do( here| with (you|this))?$|\bwhat to (type|say|ask)\b|\bhow (does|do) (this|it|i use)\b|\bwhat is this\b|\bhow do i use\b|\bwhat is this bot\b/ },
  { intent: 'help', id: 'greeting', weight: 2, pattern: /^(hi|hello|hiya|hey|good (morning|afternoon|evening)|morning)\b(?: \w+){0,3}$/ },
];

/** Keywords the typo corrector may correct towards. */
export const INTENT_WORDS: readonly string[] = [
  'harass', 'harassed', 'harassing', 'harassment', 'harasser', 'abuse', 'abused', 'abusive', 'abusing', 'threat', 'threats',
  'threaten', 'threatened', 'threatening', 'bullied', 'bullying', 'stalked', 'stalking', 'stalker', 'trolled', 'trolling',
  'doxxed', 'doxxing', 'impersonating', 'impersonation', 'pretending', 'safeguarding', 'grooming', 'groomed', 'phishing',
  'intimidating', 'someone', 'somebody', 'messages', 'comments', 'racist', 'sexist', 'sectarian', 'horrible',
  'remove', 'removed', 'delete', 'deleted', 'takedown', 'access', 'unblock', 'blocked', 'request', 'business',
  'complain', 'complained', 'complaint', 'complaining', 'concern', 'concerns', 'misinformation',
  'waiting', 'pending', 'outstanding', 'approve', 'approved', 'approving', 'requests', 'reports', 'cases',
  'policy', 'guidelines', 'guidance', 'disclaimer', 'allowed', 'commands', 'instructions',
  'report', 'incident', 'message', 'comment', 'danger', 'scared', 'frightened', 'terrified', 'afraid', 'safety', 'outside', 'killed', 'murder', 'petrol', 'letterbox',
];

export interface IntentScore {
  readonly intent: Intent;
  readonly cues: readonly string[];
}

/** The best-scoring intent and the cues behind it; `unknown` with no cues when nothing scores enough. */
export function scoreIntents(text: string): IntentScore {
  const scores = new Map<Intent, { score: number; cues: string[] }>();
  for (const cue of INTENT_CUES) {
    if (!cue.pattern.test(text)) continue;
    const entry = scores.get(cue.intent) ?? { score: 0, cues: [] };
    entry.score += cue.weight;
    entry.cues.push(`${cue.intent}:${cue.id}`);
    scores.set(cue.intent, entry);
  }
  let best: IntentScore = { intent: 'unknown', cues: [] };
  let bestScore = MIN_SCORE - 1;
  for (const intent of INTENTS) {
    const entry = scores.get(intent);
    if (entry && entry.score > bestScore) [best, bestScore] = [{ intent, cues: entry.cues }, entry.score];
  }
  return best;
}
