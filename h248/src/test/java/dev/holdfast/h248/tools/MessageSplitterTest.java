package dev.holdfast.h248.tools;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MessageSplitterTest {

    private static List<MessageSplitter.Piece> split(String s) { return MessageSplitter.split(s); }

    @Test
    void oneMessageIsOnePieceStartingAtLineOne() {
        assertEquals(List.of(new MessageSplitter.Piece("MEGACO/1 [1.2.3.4]\nT=1{C=-{N=a/1{OE=1{x/y}}}}", 1)),
                split("MEGACO/1 [1.2.3.4]\nT=1{C=-{N=a/1{OE=1{x/y}}}}\n\n\n"));
    }

    @Test
    void aBlankLineThenAMessageHeaderStartsANewMessageInAnyCaseAndIndentation() {
        String input = "MEGACO/1 [1.2.3.4]\nT=1{}\n\nmegaco/2 [1.2.3.4]\nT=2{}\n \t\n   !/1 [1.2.3.4]\nT=3{}\n";
        assertEquals(List.of(
                new MessageSplitter.Piece("MEGACO/1 [1.2.3.4]\nT=1{}", 1),
                new MessageSplitter.Piece("megaco/2 [1.2.3.4]\nT=2{}", 4),
                new MessageSplitter.Piece("   !/1 [1.2.3.4]\nT=3{}", 7)), split(input));
    }

    @Test
    void aHeaderWithoutABlankLineBeforeItDoesNotSplit() {
        String input = "MEGACO/1 [1.2.3.4]\nT=1{C=-{A=a{L{\nv=0\n\ns=x\n}}}}\nMEGACO/1 [1.2.3.4]\nT=2{}";
        assertEquals(1, split(input).size());
    }

    @Test
    void blankLinesInsideAMessageDoNotSplitIt() {
        String input = "MEGACO/1 [1.2.3.4]\n\nTransaction = 1 {\n\n  Context = - {}\n}\n";
        assertEquals(List.of(new MessageSplitter.Piece("MEGACO/1 [1.2.3.4]\n\nTransaction = 1 {\n\n  Context = - {}\n}", 1)),
                split(input));
    }

    @Test
    void crlfAndCrLineBreaksAreCounted() {
        String input = "!/1 [1.2.3.4]\r\nT=1{}\r\n\r\n!/1 [1.2.3.4]\rT=2{}\r\r!/1 <x>\nT=3{}";
        List<MessageSplitter.Piece> pieces = split(input);
        assertEquals(3, pieces.size());
        assertEquals(4, pieces.get(1).firstLine());
        assertEquals("!/1 [1.2.3.4]\rT=2{}", pieces.get(1).text());
        assertEquals(7, pieces.get(2).firstLine());
    }

    @Test
    void leadingBlankLinesMoveTheFirstLineAndBlankInputHasNoMessage() {
        assertEquals(List.of(new MessageSplitter.Piece("!/1 [1.2.3.4]\nT=1{}", 3)), split("\n\n!/1 [1.2.3.4]\nT=1{}"));
        assertEquals(List.of(), split(""));
        assertEquals(List.of(), split("\n \n\t\n"));
    }

    @Test
    void textBeforeTheFirstHeaderStaysWithTheFirstMessage() {
        // a leading comment is LWSP in the ABNF; the decoder decides whether it is acceptable
        assertEquals(List.of(new MessageSplitter.Piece("; captured at the MG\n!/1 [1.2.3.4]\nT=1{}", 1)),
                split("; captured at the MG\n!/1 [1.2.3.4]\nT=1{}\n"));
    }
}
