package dev.fiber.core.text;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a HuggingFace {@code tokenizer.json} equivalent to the {@code RobertaTokenizerFast} that
 * fine-grained FIBER's {@code AutoTokenizer.from_pretrained("roberta-base")} loads (the format DJL's
 * {@code HuggingFaceTokenizer} reads). It is generated from {@code vocab.json} +
 * {@code merges.txt} so nothing beyond those two files has to be shipped: BPE model (no dropout, no unk
 * token, merges in rank order), ByteLevel pre-tokenizer without prefix space, RobertaProcessing
 * post-processor ({@code <s> ... </s>}, trimmed offsets), ByteLevel decoder, and the five special tokens
 * ({@code <mask>} with {@code lstrip}).
 *
 * <p>FIBER itself does not need this file ({@link FiberTokenizer} is pure Java); it exists for
 * interoperability and for the tests that cross-check the Java tokenizer against the Rust one.
 */
public final class HfTokenizerJson {

    private static final String[] SPECIALS = {"<s>", "<pad>", "</s>", "<unk>", "<mask>"};

    private HfTokenizerJson() {}

    /**
     * @param bpe vocabulary and merges of a RoBERTa tokenizer
     * @return the JSON text of the equivalent {@code RobertaTokenizerFast}
     */
    public static String toJson(ByteLevelBpe bpe) {
        StringWriter sw = new StringWriter();
        try {
            write(bpe, sw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    /**
     * Generates {@code tokenizer.json} from {@code vocab.json} and {@code merges.txt} of a folder.
     *
     * @param tokenizerDir folder with {@code vocab.json} and {@code merges.txt}
     * @return the JSON text
     * @throws IOException if a file is missing or malformed
     */
    public static String generate(Path tokenizerDir) throws IOException {
        return toJson(FiberTokenizer.load(tokenizerDir).bpe());
    }

    /**
     * Generates {@code tokenizer.json} from a folder's {@code vocab.json} + {@code merges.txt} and writes it.
     *
     * @param tokenizerDir folder with {@code vocab.json} and {@code merges.txt}
     * @param out          the file to write (UTF-8)
     * @throws IOException if reading or writing fails
     */
    public static void write(Path tokenizerDir, Path out) throws IOException {
        Files.writeString(out, generate(tokenizerDir), StandardCharsets.UTF_8);
    }

    private static void write(ByteLevelBpe bpe, Writer out) throws IOException {
        JsonWriter w = new JsonWriter(out);
        w.setSerializeNulls(true);
        w.beginObject();
        w.name("version").value("1.0");
        w.name("truncation").nullValue();
        w.name("padding").nullValue();
        w.name("added_tokens").beginArray();
        for (String s : SPECIALS) {
            int id = bpe.tokenToId(s);
            if (id < 0) {
                throw new IllegalArgumentException("vocabulary has no " + s + " token; not a RoBERTa vocabulary");
            }
            w.beginObject();
            w.name("id").value(id);
            w.name("content").value(s);
            w.name("single_word").value(false);
            w.name("lstrip").value(s.equals("<mask>"));
            w.name("rstrip").value(false);
            w.name("normalized").value(false);
            w.name("special").value(true);
            w.endObject();
        }
        w.endArray();
        w.name("normalizer").nullValue();
        w.name("pre_tokenizer").beginObject();
        w.name("type").value("ByteLevel");
        w.name("add_prefix_space").value(false);
        w.name("trim_offsets").value(true);
        w.name("use_regex").value(true);
        w.endObject();
        w.name("post_processor").beginObject();
        w.name("type").value("RobertaProcessing");
        w.name("sep").beginArray().value("</s>").value(bpe.tokenToId("</s>")).endArray();
        w.name("cls").beginArray().value("<s>").value(bpe.tokenToId("<s>")).endArray();
        w.name("trim_offsets").value(true);
        w.name("add_prefix_space").value(false);
        w.endObject();
        w.name("decoder").beginObject();
        w.name("type").value("ByteLevel");
        w.name("add_prefix_space").value(true);
        w.name("trim_offsets").value(true);
        w.name("use_regex").value(true);
        w.endObject();
        w.name("model").beginObject();
        w.name("type").value("BPE");
        w.name("dropout").nullValue();
        w.name("unk_token").nullValue();
        w.name("continuing_subword_prefix").value("");
        w.name("end_of_word_suffix").value("");
        w.name("fuse_unk").value(false);
        w.name("byte_fallback").value(false);
        w.name("vocab").beginObject();
        for (int id = 0; id < bpe.vocabSize(); id++) {
            String tok;
            try {
                tok = bpe.idToToken(id);
            } catch (IllegalArgumentException gap) {
                continue;
            }
            w.name(tok).value(id);
        }
        w.endObject();
        w.name("merges").beginArray();
        for (String rule : bpe.mergeRules()) {
            w.value(rule);
        }
        w.endArray();
        w.endObject();
        w.endObject();
        w.flush();
    }
}
