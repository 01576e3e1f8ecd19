package dev.fiber.tasks.grounding;

import dev.fiber.core.text.CharSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds noun phrases in a caption so that it can be grounded without hand-given spans. This is a
 * <strong>heuristic chunker</strong>, not a parser: it uses no trained model and no dictionary of nouns,
 * only small closed word lists, and it will miss or mis-split phrases that a parser would get right. FIBER
 * itself does not find phrases (its evaluation reads annotated {@code tokens_positive}); GLIP's demo uses an
 * NLTK noun-phrase chunker, which this approximates.
 *
 * <p>Rules:
 * <ol>
 *   <li>Words are maximal runs of letters, digits, apostrophes and inner hyphens; every other character
 *       (punctuation, brackets, quotes) ends a phrase.</li>
 *   <li>A word is a <em>determiner</em> (articles, demonstratives, possessives, quantifiers, number words
 *       and numerals: "a", "the", "two", "their", "3", ...), a <em>break</em> word (prepositions,
 *       conjunctions, personal/relative pronouns, auxiliaries and modals, frequent adverbs, and a short list
 *       of verbs common in image captions such as "sits", "holds", "wears"), a <em>verb-like</em> word
 *       (ending in "-ing" or "-ed", at least 5 letters, and not in a list of nouns/adjectives with those
 *       endings such as "building", "clothing", "red"), or else a <em>content</em> word.</li>
 *   <li>A phrase starts at a determiner or a content word, takes the following content words, and ends
 *       before a break word, a verb-like word, punctuation or a new determiner. A verb-like word directly
 *       after the phrase's determiners is kept as a modifier ("a running dog").</li>
 *   <li>A phrase needs at least one content word (a lone "the" is dropped); its span runs from its first
 *       to its last word, so "a red shirt" keeps its inner spaces.</li>
 * </ol>
 * So {@code "a man in a red shirt holding a dog"} gives "a man", "a red shirt", "a dog". Known limits:
 * prepositional phrases are split ("a cup of coffee" gives "a cup" and "coffee"), pronouns are never
 * phrases, verbs outside the lists (e.g. "grills") are taken for nouns, and adverbs outside the list join
 * the following phrase.
 */
public final class PhraseFinder {

    /** A phrase and where it is in the caption. */
    public record Phrase(String text, CharSpan span) {}

    private static final Set<String> DETERMINERS = Set.of(
            "a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our", "their",
            "some", "any", "each", "every", "no", "another", "other", "both", "either", "neither", "several",
            "many", "few", "much", "more", "most", "all", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve", "dozen", "dozens", "hundreds", "thousands", "lots",
            "plenty", "whose");

    private static final Set<String> BREAKS = Set.of(
            // prepositions
            "in", "on", "at", "of", "with", "by", "for", "from", "to", "into", "onto", "over", "under",
            "near", "behind", "beside", "besides", "between", "through", "across", "along", "around", "above",
            "below", "beneath", "inside", "outside", "up", "down", "off", "out", "against", "among", "amongst",
            "toward", "towards", "upon", "within", "without", "about", "after", "before", "during", "past",
            "like", "as", "than", "via", "next", "atop", "underneath", "throughout", "beyond", "amid",
            // conjunctions and relatives
            "and", "or", "but", "nor", "so", "yet", "while", "because", "although", "though", "if", "when",
            "where", "whereas", "whether", "which", "who", "whom", "what", "then",
            // pronouns
            "i", "you", "he", "she", "it", "we", "they", "me", "him", "us", "them", "myself", "yourself",
            "himself", "herself", "itself", "ourselves", "themselves", "someone", "somebody", "something",
            "anyone", "anybody", "anything", "everyone", "everybody", "everything", "nobody", "nothing",
            "there", "here", "it's", "they're", "he's", "she's",
            // auxiliaries and modals
            "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did",
            "can", "could", "will", "would", "should", "may", "might", "must", "shall", "isn't", "aren't",
            "doesn't", "don't", "can't", "won't",
            // adverbs and particles
            "not", "very", "also", "just", "too", "only", "almost", "really", "still", "even", "together",
            "away", "back", "again", "well", "how", "why", "now", "currently", "nearby",
            // verbs frequent in captions (base and third person)
            "sit", "sits", "stand", "stands", "walk", "walks", "run", "runs", "hold", "holds", "wear", "wears",
            "look", "looks", "plays", "rides", "eat", "eats", "drink", "drinks", "jump",
            "jumps", "lie", "lies", "lay", "lays", "wait", "waits", "talk", "talks", "smile",
            "smiles", "climb", "climbs", "throw", "throws", "catch", "catches", "carry", "carries", "pull",
            "pulls", "push", "pushes", "read", "reads", "swim", "swims", "fly", "flies", "pose", "poses",
            "sing", "sings", "cook", "cooks", "sleep", "sleeps", "use", "uses", "make",
            "makes", "take", "takes", "get", "gets", "go", "goes", "see", "sees", "works", "kicks", "hits",
            "leans", "stare", "stares", "hang", "hangs",
            "sat", "stood", "held", "wore", "ran", "rode");

    /** Words ending in "-ing" / "-ed" that are usually nouns or adjectives in captions. */
    private static final Set<String> NOT_VERBS = Set.of(
            "building", "buildings", "clothing", "ceiling", "painting", "paintings", "thing", "things", "ring",
            "rings", "king", "string", "strings", "evening", "morning", "wedding", "swing", "swings", "railing",
            "railings", "sibling", "siblings", "pudding", "stuffing", "spring", "wing", "wings", "sling",
            "bring", "nothing", "something", "anything", "everything", "awning", "awnings",
            "earring", "earrings", "icing", "frosting", "lighting", "stocking", "stockings", "bedding",
            "crossing", "parking", "opening", "setting", "offering", "carving", "meeting",
            "red", "bed", "beds", "shed", "sled", "sleds", "seed", "seeds", "weed", "weeds", "speed", "reed",
            "need", "feed", "bred", "shred", "sacred", "hundred", "hundreds", "kindred", "naked", "wicked",
            "bearded", "crowded", "striped", "checkered", "colored", "coloured", "haired", "skinned", "eyed",
            "sleeved", "legged", "shaped", "faced", "wooded", "beloved", "aged", "tattooed", "dotted",
            "spotted", "patterned", "stained");

    private enum Kind { DETERMINER, BREAK, VERB_LIKE, CONTENT }

    private record Word(String text, int begin, int end, Kind kind) {}

    private PhraseFinder() {}

    /**
     * Finds the noun phrases of a caption, in order.
     *
     * @param caption the caption
     * @return the phrases with their character spans (empty if none was found)
     */
    public static List<Phrase> find(String caption) {
        List<Phrase> out = new ArrayList<>();
        List<Word> current = new ArrayList<>();
        boolean hasContent = false;
        int i = 0;
        int n = caption.length();
        while (i < n) {
            char ch = caption.charAt(i);
            if (!isWordChar(ch)) {
                if (!Character.isWhitespace(ch)) {
                    hasContent = flush(caption, current, hasContent, out);
                }
                i++;
                continue;
            }
            int start = i;
            while (i < n && (isWordChar(caption.charAt(i))
                    || (caption.charAt(i) == '-' && i + 1 < n && isWordChar(caption.charAt(i + 1)) && i > start))) {
                i++;
            }
            // trailing apostrophes ("dogs'") belong to the word, leading ones do not
            int begin = start;
            while (begin < i && (caption.charAt(begin) == '\'' || caption.charAt(begin) == '\u2019')) {
                begin++;
            }
            if (begin == i) {
                continue;
            }
            String text = caption.substring(begin, i);
            Word w = new Word(text, begin, i, classify(text));
            switch (w.kind()) {
                case DETERMINER -> {
                    if (hasContent || !current.isEmpty() && !onlyDeterminers(current)) {
                        hasContent = flush(caption, current, hasContent, out);
                    }
                    current.add(w);
                }
                case CONTENT -> {
                    current.add(w);
                    hasContent = true;
                }
                case VERB_LIKE -> {
                    if (!current.isEmpty() && onlyDeterminers(current)) {
                        current.add(w); // "a running dog": a participle right after the determiner
                    } else {
                        hasContent = flush(caption, current, hasContent, out);
                    }
                }
                default -> hasContent = flush(caption, current, hasContent, out);
            }
        }
        flush(caption, current, hasContent, out);
        return out;
    }

    private static boolean onlyDeterminers(List<Word> words) {
        for (Word w : words) {
            if (w.kind() != Kind.DETERMINER) {
                return false;
            }
        }
        return true;
    }

    /** Emits the current chunk if it has a content word; always clears it. @return false (no content now) */
    private static boolean flush(String caption, List<Word> current, boolean hasContent, List<Phrase> out) {
        if (hasContent) {
            // end at the last content word (a trailing participle or determiner is not part of the phrase)
            int last = current.size() - 1;
            while (last >= 0 && current.get(last).kind() != Kind.CONTENT) {
                last--;
            }
            if (last >= 0) {
                int begin = current.get(0).begin();
                int end = current.get(last).end();
                out.add(new Phrase(caption.substring(begin, end), new CharSpan(begin, end)));
            }
        }
        current.clear();
        return false;
    }

    private static Kind classify(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (DETERMINERS.contains(w) || w.chars().allMatch(Character::isDigit)) {
            return Kind.DETERMINER;
        }
        if (BREAKS.contains(w)) {
            return Kind.BREAK;
        }
        if (w.length() >= 5 && (w.endsWith("ing") || w.endsWith("ed")) && !NOT_VERBS.contains(w)) {
            return Kind.VERB_LIKE;
        }
        return Kind.CONTENT;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '\'' || c == '\u2019';
    }
}
