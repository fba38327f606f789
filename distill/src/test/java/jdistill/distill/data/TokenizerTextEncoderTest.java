package jdistill.distill.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jdistill.models.tokenizer.ByteLevelBpeTrainer;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.tokenizer.WordPieceTrainer;
import org.junit.jupiter.api.Test;

class TokenizerTextEncoderTest {

  private static final List<String> CORPUS = List.of("the cat sat on the mat", "the dog did not sit", "a bird sang near the river");

  @Test
  void wordPieceLayoutMatchesTheTokenizersOwnPostProcessor() {
    Tokenizer tok = WordPieceTrainer.bert(60).train(CORPUS);
    TokenizerTextEncoder enc = new TokenizerTextEncoder(tok);
    assertEquals(tok.tokenToId("[CLS]"), enc.clsId());
    assertEquals(tok.tokenToId("[SEP]"), enc.sepId());
    assertEquals(tok.tokenToId("[MASK]"), enc.maskId());
    assertEquals(tok.tokenToId("[PAD]"), enc.padId());
    var single = enc.encode("the cat did not sit");
    assertArrayEquals(tok.encode("the cat did not sit").ids(), single.ids());
    var pair = enc.encode("the cat", "a dog");
    assertArrayEquals(tok.encode("the cat", "a dog").ids(), pair.ids());
    assertArrayEquals(tok.encode("the cat", "a dog").typeIds(), pair.typeIds());
  }

  @Test
  void byteLevelBpePadsWithEndOfText() {
    Tokenizer tok = ByteLevelBpeTrainer.gpt2(300).train(CORPUS);
    TokenizerTextEncoder enc = new TokenizerTextEncoder(tok);
    int eos = tok.tokenToId("<|endoftext|>");
    assertEquals(eos, enc.eosId());
    assertEquals(eos, enc.padId());
    assertEquals(TextEncoder.NONE, enc.clsId());
    assertArrayEquals(tok.encode("the cat sat", false).ids(), enc.encode("the cat sat").ids());
  }
}
