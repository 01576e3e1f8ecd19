package dev.fiber.tasks.shapes;

/** The question families of the procedural VQA data set, with their VQAv2-style answer types. */
public enum QuestionType {
    /** "What color is the circle?" (answer: a colour). */
    COLOR("other"),
    /** "What shape is the red object?" (answer: a shape). */
    SHAPE("other"),
    /** "How many squares are there?" (answer: a digit). */
    COUNT("number"),
    /** "Is there a blue triangle?" (answer: yes / no). */
    EXISTS("yes/no");

    private final String answerType;

    QuestionType(String answerType) {
        this.answerType = answerType;
    }

    /** @return the VQAv2 {@code answer_type} ({@code "other"}, {@code "number"}, {@code "yes/no"}) */
    public String answerType() {
        return answerType;
    }

    /** @return the lower-case name used as {@code question_type} in exported annotations */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
