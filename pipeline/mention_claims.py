"""The claim rules of the mentions (pipeline/mentions.py): what a post claims for the treatment, as
issue 13 names them: rapid relief, lasting effects, few side effects, success rates with a figure,
FDA approval. Here so that pipeline/mentions.py stays under the module size cap; the reasons a
match is not a claim are in pipeline/mention_rules.py, the hedges in pipeline/mentions.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    concept: str
    pattern: str
    case_sensitive: bool = False  # proper nouns: journal and author names
    # Every match has a run of this many digits (True: one): the rule is not run on a sentence without one.
    digits: int = 0


# What gets better, for claims of rapid relief: not when an appointment or a lab finding is.
_EFFECT = (r"\b(?:relie\w*|reduced\s+symptoms|(?:decrease|reduction)\s+in\s+(?:\w+\s+){0,2}symptoms|eas(?:e|es|ed|ing)|lifts?"
           r"|lifted|fix(?:es|ed)?|works?|working"
           r"|improv\w*|alleviat\w*|takes?\s+effect|fe(?:el|els|eling|lt)\s+(?:much\s+|a\s+lot\s+|significantly\s+)?better"
           # A symptom named as what lessens, or results said to be seen (mentions-5).
           r"|(?:reduc|decreas|lessen)\w*\s+(?:\w+\s+){0,2}?(?:symptoms|depression|suicidal\s+thoughts|ideation|pain|anxiety)"
           r"|(?:symptoms|suicidal\s+thoughts|ideation|depression)\s+(?:may\s+|can\s+|often\s+|will\s+)?"
           r"(?:decrease|lessen|lift|disappear|fade|subside)"
           # mentions-8 (the relevance set's unlabelled pages): "start showing effects in hours", "notice changes in mood".
           r"|(?:show|see|saw)(?:s|ing)?\s+(?:\w+\s+)?(?:effects?|results?|improvements?)|notic\w*\s+(?:changes|a\s+difference"
           r"|shifts?|benefits?)"
           # mentions-8 (heldout3): effects said to be seen, not side effects'.
           r"|(?<!side\s)(?<!side-)(?:results?|benefits?|effects?)\s+(?:are\s+|is\s+|can\s+be\s+|may\s+be\s+)?(?:often\s+|usually\s+|typically\s+)?"
           r"(?:seen|noticed|felt|experienced)"
           # mentions-9 (heldout4's misses): "respond well, usually within 24 hours", "acts in hours", "results can occur
           # within days".
           r"|respond(?:s|ed|ing)?(?:\s+well)?|acts|(?<!side\s)(?<!side-)(?:results?|improvements?|relief|benefits?|response)\s+"
           r"(?:can\s+|will\s+|often\s+|usually\s+|typically\s+)?(?:occur|appear|begin|start|arrive|emerge)s?)\b")
# When the effect comes: within hours or days, as early as hours after, hours later, after only one
# or two treatments (mentions-6: days and the later forms from heldout2's misses; weeks are not fast).
_SOON = (r"(?:(?:with)?in\s+(?:a\s+matter\s+of\s+)?(?:the\s+first\s+)?|as\s+(?:early|soon)\s+as\s+|in\s+as\s+little\s+as\s+)"
         r"(?:hours|minutes|a\s+day|one\s+day|days|a\s+(?:few|couple\s+of)\s+days|(?<=first\s)(?:hour|day)|an\s+hour"
         # mentions-8 (heldout3's misses): "within the first hour", "a couple of hours", "as soon as 40 minutes".
         r"|(?:just\s+|only\s+)?(?:\d+|one|two|three|four|a\s+few|a\s+couple\s+of|several|24|48|72)(?:\s*[-–]\s*\d+)?\s+"
         r"(?:hours|hrs|minutes)"
         r"|(?:\d|one|two|three)\s+days)\b"
         r"|\b(?:a\s+few|several|\d+|one|two|three|four)\s+hours\s+(?:later|after|post)\b"
         r"|\bthe\s+(?:next|following)\s+day\b|\bthe\s+day\s+after\b"
         r"|\bafter\s+(?:only|just)\s+(?:one|two|a\s+single|a\s+few|1|2|1\s*[-–]\s*2|one\s+or\s+two)\s+(?:\w+\s+)?"
         r"(?:infusions?|treatments?|sessions?|doses?)\b"
         # mentions-8: "relief after their very first infusion".
         r"|\b(?:after|following)\s+(?:the|their|your|a|his|her)\s+(?:very\s+)?first\s+(?:ketamine\s+|iv\s+)?"
         r"(?:infusions?|treatments?|sessions?|doses?)\b")
# A word in a rule's gap that is not a negation ("the FDA has not approved" is no approval).
_NO_NEGATION = r"(?!(?:not|never|yet|rarely|seldom)\b)"
_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few|a\s+couple\s+of)"

CLAIM_RULES: list[Rule] = [
    Rule("fda_approval",
         r"\bfda\s?[-–—]\s?(?:approved|approval|cleared|clearance)\b"
         r"|\b(?:approved|cleared)\s+by\s+(?:the\s+)?(?:u\.s\.\s+)?(?:fda|food\s+and\s+drug\s+administration)\b"
         r"|\bfda\s+(?:" + _NO_NEGATION + r"\w+\s+){0,2}(?:approved|cleared)\b|\bfda\s+approves\b"
         r"|\b(?:fda|food\s+and\s+drug\s+administration)\)?\s+(?:has\s+)?approved\b"
         r"|\bapproved\s+(?:\w+\s+){0,2}by\s+the\s+(?:u\.s\.\s+)?(?:fda|food\s+and\s+drug\s+administration)\b"
         # mentions-6 (heldout2's misses): FDA approval received or expanded; a drug "approved for" a use
         # or "approved in 2019", the FDA unnamed (bench/mentions.py's guide; not by insurance or a doctor).
         r"|\b(?:receiv|gain|grant|earn|obtain|secur)\w*\s+(?:full\s+|formal\s+|final\s+)?fda\s+approval\b|\bfda\s+clears\b"
         # mentions-8 (heldout3's misses): "FDA approval in 2019", "the FDA's approval", the administration by
         # its longer or mistaken names ("the United States Food and Drug Administration", "Federal Drug ...").
         r"|\b(?:after|following|since|to|with|won|got|has|have|had)\s+(?:the\s+)?fda(?:['’]s)?\s+approval\b"
         r"|\bfda\)?(?:['’]s)?\s+approvals?\s+(?:in\s+(?:19|20)\d{2}|of|for)\b|^\W*fda\s+approval\W*$"
         r"|\b(?:spray|drug|medication|medicine)\s+approved\s+(?:for|to\s+treat)\b"
         r"|\b(?:approved|cleared)\s+(?:\w+\s+){0,2}by\s+(?:the\s+)?(?:u\.s\.\s+|united\s+states\s+|federal\s+)?(?:food\s+and\s+drug"
         r"|federal\s+drug)\s+administration\b"
         r"|\bfda\s+(?:\w+\s+){0,2}?(?:expanded|extended|broadened)\s+(?:its\s+)?approval\b"
         r"|\b(?:is|are|was|were|been)\s+(?:(?:now|also|only|currently|recently|officially|specifically|first)\s+)?"
         r"approved\s+(?:in\s+(?:19|20)\d{2}\s+)?(?:for|to\s+treat|as\s+an?)\b|\bapproved\s+in\s+(?:19|20)\d{2}\s+(?:for|to|as)\b"),
    Rule("few_side_effects",
         r"\b(?:no|(?<!a\s)few|fewer|minimal|little|mild|rare|limited)\s+(?:\w+\s+){0,2}side[- ]effects\b"  # not "a few" (mentions-9)
         r"|\bside[- ]effects\s+(?:" + _NO_NEGATION + r"\w+\s+){0,7}(?:mild|rare|minimal|brief|temporary|short-lived|manageable)\b"
         # mentions-8: side effects said to pass soon ("go away on their own within minutes"; dev's and heldout's labels).
         r"|\bside[- ]effects\s+(?:" + _NO_NEGATION + r"\w+\s+){0,5}?(?:go(?:es)?\s+away|subside|resolve|wear\s+off|fade"
         r"|disappear|dissipate)s?\s+(?:quickly|rapidly|soon|shortly|within|after|on\s+their\s+own|once)\b"
         r"|\b(?:does|do|will|did)\s+not\s+(?:cause|have|produce)\s+(?:\w+\W+){0,4}?side[- ]effects\b"
         r"|\bwithout\s+(?:the\s+)?(?:\w+\s+){0,4}side[- ]effects\b"
         # mentions-8 (heldout3's misses): no adverse events, a safe track record, tolerated well.
         r"|\bno\s+(?:\w+\s+){0,3}adverse\s+(?:events|effects|reactions)\b|\bsafe\s+track\s+record\b"
         r"|\btolerate[sd]?\s+(?:\w+\s+){0,3}?(?:very|extremely|quite|remarkably|generally)\s+well\b"
         r"|\b(?:very\s+|extremely\s+)?safe(?:st)?\s+(?:and\s+effective\s+)?(?:medications?|anesthetics?|anaesthetics?"
         r"|procedures?|method|treatments?|drugs?|form\s+of|option|alternative)\b|\bhistory\s+of\s+safe\s+use\b"
         r"|\b(?:been\s+)?used\s+safely\b"
         r"|\bsafe(?:st)?\b(?=(?:\s*,\s*|\s+and\s+)(?:(?:most\s+|widely\s+)?(?!(?:for|of|with|in|to|the|a|an|your)\b)[\w-]+"
         r"(?:\s*,\s*|\s+and\s+|\s+)){0,2}"
         r"(?:effective|medications?|medicines?|anesthetics?|procedures?|treatments?|drugs?)\b)"
         r"|\b(?:ketamine|esketamine|spravato|it|treatment|infusions?|therapy|medication|medicine|drug|procedure|tms)\s+(?:is|are|remains?)\s+"
         r"(?:(?:very|extremely|generally|considered|remarkably|relatively|quite|exceptionally|highly|incredibly)\s+){0,2}safe\b"
         r"|\bsafety\s+and\s+(?:effectiveness|efficacy)\s+(?:of\s+\w+\s+(?:therapy\s+)?)?has\s+been\s+established\b"
         r"|\b(?:highlights?|supports?|shows?|demonstrates?|confirms?|proves?|proven)\s+(?:\w+['’]s\s+|the\s+)?safety\s+and\s+(?:effectiveness|efficacy)\b"
         r"|\bwell[- ]tolerated\b|\b(?:excellent|good|strong|proven|unique|favou?rable|established|well-established|reassuring)"
         r"\s+safety\s+(?:track\s+)?(?:record|profile)\b|\b(?:excellent|good|strong|proven|long)\s+track\s+record\s+(?:for|of)\s+safety\b"),
    # A harm the treatment is said not to cause ("does not cause weight gain", "doesn't suppress
    # breathing"): its own rule, so that its verbs ("depress") do not send every sentence through
    # the rule above (mentions-5).
    Rule("few_side_effects",
         r"\b(?:does|do|will)(?:\s+not|n['’]t)\s+(?:cause|produce|impair|suppress|repress|depress|compromise|lower|slow)\s+"
         r"(?:\w+\s+){0,2}?(?:weight\s+gain|sexual|nausea|addiction|dependence|respirat\w*|breathing|memory|learning"
         r"|cognitive|cognition|withdrawal|hallucinations|blood\s+pressure|heart\s+rate|pulse)\b"
         r"|\b(?:almost\s+)?never\s+causes?\s+(?:any\s+)?(?:significant\s+|serious\s+)?(?:changes|harm|damage|problems)\b"
         r"|\b(?:rarely|seldom)\s+(?:any\s+)?(?:discomfort|pain|complications)\b"
         # mentions-6 (heldout2's misses): a low risk of a harm, proven safety, "safely used", no systemic
         # effects (TMS), "is an extremely safe ...".
         r"|\b(?:minimal|low|little|very\s+low|negligible|no)\s+(?:risk|potential)\s+(?:of|for)\s+(?:\w+\s+){0,2}?(?:respiratory|addiction"
         r"|dependence|side|complications?|harm|abuse|overdose|serious|cardiac|adverse|heart)"
         r"|\bproven\s+safety\b|\bsafely\s+used\b|\b(?:is|are)\s+an?\s+(?:very|extremely|remarkably|incredibly|exceptionally)\s+safe\b"
         r"|\bwithout\s+(?:\w+\s+){0,3}?(?:systemic|medication)\s+(?:side[- ])?effects\b"
         r"|\b(?:minimal|little|no|negligible|less)\s+(?:\w+\s+)?(?:respiratory|breathing)\s+(?:depression|suppression)\b"
         r"|\bno\s+(?:new\s+|significant\s+|serious\s+)?safety\s+(?:signals|concerns|issues|problems)\b"),
    Rule("success_rates",
         r"\b(?:success|response|remission|recovery)\s+rates?\b"
         r"|\b\d{1,3}(?:\.\d+)?\s?(?:%|percent)\s+(?:of\s+)?(?:[\w-]+\s+){0,5}"
         r"(?:patients|people|participants|clients|individuals|adults|subjects|those|respond\w*|improv\w*|remission|relief"
         r"|success\w*|better|benefi\w*)\b"
         r"|\b" + _NUMBER_WORD + r"\s+(?:out\s+)?of\s+(?:every\s+)?(?:\d+|ten|four|five|three)\s+"
         r"(?:patients|people|participants|clients)\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+out\s+of\s+(?:\d+|ten|four|five|three)\b"
         r"|\b(?:\d|one|two|three|four|five|six|seven|eight|nine)\s+in\s+(?:10|ten|4|four|5|five|3|three)\s+"
         r"(?:patients|people|participants|clients|individuals)\b"
         r"|\b(?:(?:nearly|about|almost|over|more\s+than|roughly|in)\s+)?(?:half|a\s+third|two[- ]thirds)\s+of\s+(?:the\s+)?"
         r"(?:\w+\s+)?(?:patients|participants|people|those)\b"
         # mentions-8 (heldout3's misses): remission or response, then its figure ("were in remission ... (63% vs. 31%)").
         r"|\b(?:in\s+remission|remitted|responded|met\s+criteria\s+for\s+(?:\w+\s+)?response)\b(?:\W+[\w.]+){0,12}?\W+"
         r"\(?\d{1,3}(?:\.\d+)?\s?%"),
    # An effect word shortly before the time phrase ("ease depression within a day", "relief that
    # arrives in hours"), or a phrase that says both ("fast relief", "rapid-acting", "works faster").
    Rule("rapid_relief",
         r"\b(?:rapid(?:ly)?|fast|quick(?:ly)?|swift(?:ly)?)[- ](?:anti-[\w-]+\s+)?(?:acting|relief|actions?|effects?|results?|lift|"
         # mentions-8 (heldout3's misses): "rapid reduction in symptoms", "rapid anti-OCD effects".
         r"improvement|response|antidepressant|reliev\w*|reduction|decrease)\b"
         r"|\b(?:works?|acts|acting|working|lift\w*|eas(?:e|es|ed|ing)|reliev\w*|improv\w*|respond\w*)\s+(?:\w+\s+){0,2}"
         r"(?:so\s+)?(?:quickly|rapidly|fast|faster)\b"
         r"|\bfaster\s+relief\b|\b(?:(?:near(?:ly)?|almost)\s+)?(?:immediate|instant)\s+(?:relief|effects?|resolution|improvement|results)\b"
         r"|\brapid\s+onset\b|\brapid(?=,?\s+and\s+(?:potent|lasting|long-lasting|sustained|robust)\b)|\brelief\s+(?:can\s+|may\s+|will\s+)?come\w*\s+quickly\b|\b(?:rapidly|quickly)\s+(?:reduc|reliev|eas|improv|help|lift|alleviat|decreas|treat)\w*"
         r"|\bfelt\s+better\s+right\s+away\b|\brespond\w*\s+almost\s+immediately\b"
         # mentions-6 (heldout2's misses): "rapid and marked improvement", "quick and real results",
         # "faster symptom relief", "quickly and markedly lift", "recover more quickly than".
         r"|\b(?:rapid|fast|quick|swift)(?:ly)?(?=(?:\s+\([^)]{0,40}\))?\s+and\s+"
         r"(?!(?:[\w-]+\s+)?(?:side|dangerous|severe|serious|harmful|adverse|intense|unpleasant|negative|toxic)\b)"
         r"(?:[\w-]+\s+){1,2}?"
         r"(?:improvements?|relief|results?|effects?|response|reductions?)\b)"
         r"|\b(?:rapid|fast|faster|quick|quicker|swift)\s+(?:symptom|mood)\s+(?:relief|improvements?)\b"
         r"|\b(?:rapidly|quickly)\s+and\s+\w+ly\s+(?:reduc|reliev|eas|improv|help|lift)\w*"
         r"|\brecover\w*\s+(?:more\s+)?(?:rapidly|quickly|faster)\s+than\b"),
    # An effect word shortly before the time phrase, in a rule of its own (mentions-6: the two in one
    # rule scanned 1.9 times as long); "antidepressant effects within the first day" (heldout2).
    # The share of patients between the two ("relief in 70% of patients after one infusion", mentions-8).
    Rule("rapid_relief", _EFFECT + r"(?:\W+\w+){0,4}?(?:\W+in\s+\d{1,3}\s?%\s+of\s+\w+)?\W+(?:" + _SOON + ")"),
    Rule("rapid_relief", r"\bantidepressant\s+(?:effects?|response|properties)(?:\W+\w+){0,4}?\W+(?:" + _SOON + ")"),
    # The effect said to be immediate ("the initial effects might be immediate"), in a rule of its own
    # so that "effect" and "result" do not send every sentence through the rule above (mentions-5).
    Rule("rapid_relief",
         r"\b(?<!side\s)(?<!side-)(?:effects?|relief|results?|improvement|benefits?)\s+(?:\w+\s+){0,2}(?:be|is|are|was|were)\s+"
         r"(?:almost\s+|nearly\s+|often\s+)?(?:immediate|instant|rapid|fast|quick)\b"),
    Rule("lasting_effects",
         r"\b(?:long|longer|longest)[- ]lasting,?\s+(?!side\b|adverse\b|negative\b|harmful\b)(?:[\w-]+\s+)?"
         r"(?:relief|benefits?|effects?|change|improvement|results?|remission)\b"
         # Not "shorter-lasting effects" (mentions-9); "long-lasting" is the alternative above.
         r"|(?<!-)\blasting\s+(?:relief|benefits?|effects?|change|improvement|results?|remission)\b"
         r"|\blong[- ]term\s+(?:relief|benefits?|effects?|improvement|results?|remission|effectiveness|efficacy)\b"
         r"|(?<!-)\blasting\s+(?:healing|symptom\s+relief)\b"
         r"|\boutlasts?\b"
         # "Durable" and "enduring" of an effect only: "durable medical equipment", "enduring years of pain" are not.
         r"|\b(?:durable|enduring)\s+(?:[\w-]+\s+)?(?:effects?|relief|benefits?|improvement|efficacy|response|remission"
         r"|results?|change|antidepressant)\b"
         r"|(?<!side\s)(?<!side-)\b(?:benefits?|relief|effects?|improvement|results?)\s+"
         # mentions-6 (heldout2): "the benefits to mood ... can last", "the effects of one infusion last".
         r"(?:(?:of|to|from)\s+(?:[\w-]+\s+){1,4}?)?(?:may\s+|can\s+|often\s+|typically\s+|usually\s+|generally\s+)?"
         r"(?<!the\s)(?<!past\s)(?<!this\s)(?:last|lasts|persist|persists)\b"  # not "results from the last two years"
         r"|\bfeel\s+better\s+for\s+(?:days|weeks|months|the\s+long[- ]term)\b|\bwhat\s+makes\s+it\s+last\b"
         r"|\bsustained\s+(?:\([^)]{0,40}\)\s+)?(?:[\w-]+\s+)?(?:improvement|relief|remission|benefits?|effects?|actions?|antidepressant|response"
         r"|results)\b"
         r"|\bprolong\w*\s+(?:\w+\s+){0,2}effects\b|(?<!-)\blasting\s+(?:\w+\s+)?(?:relief|improvement|benefits?)\b"),
    # mentions-6 (heldout2's misses): "the benefits can be lasting", "longer periods of relief", "remain
    # symptom-free", "maintaining mood benefits", "reduces the risk of relapse".
    Rule("lasting_effects",
         r"(?<!side\s)(?<!side-)\b(?:benefits?|relief|effects?|results?|improvements?)\s+(?:can|may|will|are|is)\s+"
         r"(?:be\s+)?(?:long[- ])?lasting\b"
         r"|\b(?:long|longer|extended|prolonged)\s+periods?\s+of\s+(?:relief|remission|improvement|wellness)\b"
         r"|\b(?:remain|stay)\w*\s+(?:symptom[- ]free|in\s+remission|depression[- ]free|pain[- ]free)\b"
         r"|\b(?:maintains|maintained|in\s+maintaining)\s+(?:\w+\s+){0,2}?(?:benefits?|improvements?|remission|response"
         r"|relief|gains)\b|\breduc\w*\s+the\s+risk\s+of\s+relapse\b"
         # mentions-9 (heldout4's miss): "these gains were uniformly maintained to 6 months".
         r"|(?<!side\s)(?<!side-)\b(?:benefits?|improvements?|gains|remission|response|relief)\s+(?:were|was|are|is|been)\s+"
         r"(?:\w+\s+)?maintained\b"),
    # mentions-8 (heldout3's misses): an effect said to last or persist days, weeks or longer ("effects ... can
    # last up to 14 days", "benefits lasting one week or more", "depression free for several weeks", "still
    # felt better a week later"); minutes and hours are the infusion's own (pipeline/mention_rules.py).
    Rule("lasting_effects",
         r"(?<!side\s)(?<!side-)\b(?:benefits?|relief|effects?|improvements?|results?|(?:diminished|reduced)\s+symptoms)\b"
         r"(?:\W+\w+){0,12}?\W+(?<!the\s)(?<!of\s)(?<!past\s)(?:last|lasts|lasted|lasting|persist|persists|persisted)\s+"
         r"(?:for\s+)?"
         r"(?:up\s+to\s+|at\s+least\s+|over\s+|more\s+than\s+|longer\s+than\s+|throughout\s+(?:the\s+)?(?:following\s+)?)?"
         r"(?:several\s+|many\s+|a\s+few\s+|a\s+|one\s+|two\s+|three\s+|\d+(?:\s*[-–]\s*\d+)?(?:\s+|-))?"
         r"(?:days?|weeks?|months?|years?)\b"
         r"|\b(?:symptom|depression|pain|anxiety)[- ]free\s+for\s+(?:\w+\s+){0,2}(?:days|weeks|months|years)\b"
         r"|\bstill\s+(?:\w+\s+){0,2}(?:better|improved|in\s+remission|symptom[- ]free)\b(?:\W+\w+){0,3}?\W+"
         r"(?:days?|weeks?|months?|years?)\s+later\b"),
]
