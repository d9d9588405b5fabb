package org.nixusb.bootentry;

import java.util.ArrayList;
import java.util.List;

/**
 * GRUB's configuration language, parsed as GRUB's own lexer and parser split it (no code of GRUB's is used):
 * words with single quotes (literal), double quotes (variables expand, {@code \} escapes {@code $ " \}),
 * backslash escapes, {@code $name} and {@code ${name}} references, {@code #} comments at a word's start; commands
 * end at a newline or {@code ;}; the compound commands {@code if/elif/else/fi}, {@code for}, {@code while},
 * {@code until}, {@code function name { }}, {@code menuentry ... { }} and {@code submenu ... { }}. A word keeps
 * its parts unexpanded, so that it can be expanded later with the variables of the moment it runs.
 */
final class GrubScript {

    /** One piece of a word: literal text, or a variable reference (expanded when the word is). */
    record Part(String text, boolean variable, boolean quoted) {
    }

    /** A word as written: its parts, and whether any part was quoted (an empty quoted word is still a word). */
    record Word(List<Part> parts, boolean quoted) {
        /** The word as written, without quotes (for messages). */
        String raw() {
            StringBuilder sb = new StringBuilder();
            for (Part p : parts) {
                sb.append(p.variable() ? "${" + p.text() + "}" : p.text());
            }
            return sb.toString();
        }

        /** The literal text, or null when the word holds a variable reference. */
        String literal() {
            StringBuilder sb = new StringBuilder();
            for (Part p : parts) {
                if (p.variable()) {
                    return null;
                }
                sb.append(p.text());
            }
            return sb.toString();
        }
    }

    /** A node of the script. */
    sealed interface Node permits Simple, If, Block, Loop {
        int line();
    }

    /** A simple command: its words. */
    record Simple(List<Word> words, int line) implements Node {
    }

    /** {@code if}: conditions and bodies in order; a null condition is the {@code else}. */
    record If(List<List<Node>> conditions, List<List<Node>> bodies, int line) implements Node {
    }

    /** {@code menuentry}, {@code submenu} or {@code function}: the words before the brace, and the body. */
    record Block(String keyword, List<Word> words, List<Node> body, String bodyText, int line) implements Node {
    }

    /** {@code for}, {@code while} or {@code until}: its words and body, which nixusb does not run. */
    record Loop(String keyword, List<Word> words, List<Node> body, int line) implements Node {
    }

    /** A syntax error: where and what. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        SyntaxError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private enum Kind { WORD, END, OPEN, CLOSE, EOF }

    private record Token(Kind kind, Word word, int line, int offset) {
    }

    /** deeper nesting than any menu has: refused, so that hostile input cannot exhaust the stack */
    private static final int MAX_NESTING = 64;

    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int nesting;

    private GrubScript(String text) {
        this.text = text;
    }

    /** Parses a whole config. */
    static List<Node> parse(String text) throws SyntaxError {
        GrubScript s = new GrubScript(text);
        s.lex();
        List<Node> nodes = s.list(List.of());
        if (s.peek().kind != Kind.EOF) {
            Token t = s.peek();
            throw new SyntaxError(t.line, "unexpected '" + (t.kind == Kind.CLOSE ? "}" : t.word == null ? "?"
                    : t.word.raw()) + "'");
        }
        return nodes;
    }

    // ---- lexer

    private void lex() throws SyntaxError {
        int i = 0;
        int line = 1;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n' || c == ';') {
                tokens.add(new Token(Kind.END, null, line, i));
                if (c == '\n') {
                    line++;
                }
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                i++;
            } else if (c == '\\' && i + 1 < n && text.charAt(i + 1) == '\n') {
                line++;
                i += 2; // a line continuation
            } else if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if ((c == '{' || c == '}') && (i + 1 >= n || isBreak(text.charAt(i + 1)))) {
                tokens.add(new Token(c == '{' ? Kind.OPEN : Kind.CLOSE, null, line, i));
                i++;
            } else {
                int start = line;
                List<Part> parts = new ArrayList<>();
                StringBuilder lit = new StringBuilder();
                boolean quoted = false;
                while (i < n && !isBreak(text.charAt(i))) {
                    char d = text.charAt(i);
                    if (d == '\'') {
                        int end = text.indexOf('\'', i + 1);
                        if (end < 0) {
                            throw new SyntaxError(line, "a single quote is not closed");
                        }
                        String q = text.substring(i + 1, end);
                        line += count(q, '\n');
                        flush(parts, lit, false);
                        parts.add(new Part(q, false, true));
                        quoted = true;
                        i = end + 1;
                    } else if (d == '"') {
                        flush(parts, lit, false);
                        quoted = true;
                        i++;
                        StringBuilder q = new StringBuilder();
                        while (true) {
                            if (i >= n) {
                                throw new SyntaxError(line, "a double quote is not closed");
                            }
                            char e = text.charAt(i);
                            if (e == '"') {
                                i++;
                                break;
                            } else if (e == '\\' && i + 1 < n && "$\"\\\n".indexOf(text.charAt(i + 1)) >= 0) {
                                if (text.charAt(i + 1) == '\n') {
                                    line++;
                                } else {
                                    q.append(text.charAt(i + 1));
                                }
                                i += 2;
                            } else if (e == '$' && i + 1 < n && startsVariable(text.charAt(i + 1))) {
                                flush(parts, q, true);
                                i = variable(i, parts, true, line);
                            } else {
                                if (e == '\n') {
                                    line++;
                                }
                                q.append(e);
                                i++;
                            }
                        }
                        flush(parts, q, true);
                        if (parts.isEmpty() || !parts.get(parts.size() - 1).quoted()) {
                            parts.add(new Part("", false, true));
                        }
                    } else if (d == '\\' && i + 1 < n) {
                        if (text.charAt(i + 1) == '\n') {
                            line++;
                        } else {
                            lit.append(text.charAt(i + 1));
                        }
                        i += 2;
                    } else if (d == '$' && i + 1 < n && startsVariable(text.charAt(i + 1))) {
                        flush(parts, lit, false);
                        i = variable(i, parts, false, line);
                    } else {
                        lit.append(d);
                        i++;
                    }
                }
                flush(parts, lit, false);
                tokens.add(new Token(Kind.WORD, new Word(List.copyOf(parts), quoted), start, i));
            }
        }
        tokens.add(new Token(Kind.EOF, null, line, n));
    }

    private static boolean isBreak(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '\f';
    }

    private static boolean startsVariable(char c) {
        return c == '{' || Character.isLetterOrDigit(c) || c == '_' || c == '?' || c == '#' || c == '@' || c == '*';
    }

    /** Reads {@code $name} or {@code ${name}} at {@code i}; returns the index after it. */
    private int variable(int i, List<Part> parts, boolean quoted, int line) throws SyntaxError {
        int n = text.length();
        if (text.charAt(i + 1) == '{') {
            int end = text.indexOf('}', i + 2);
            if (end < 0) {
                throw new SyntaxError(line, "'${' is not closed");
            }
            parts.add(new Part(text.substring(i + 2, end), true, quoted));
            return end + 1;
        }
        int j = i + 1;
        char first = text.charAt(j);
        if (first == '?' || first == '#' || first == '@' || first == '*' || Character.isDigit(first)) {
            parts.add(new Part(String.valueOf(first), true, quoted));
            return j + 1;
        }
        while (j < n && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            j++;
        }
        parts.add(new Part(text.substring(i + 1, j), true, quoted));
        return j;
    }

    private static void flush(List<Part> parts, StringBuilder lit, boolean quoted) {
        if (lit.length() > 0) {
            parts.add(new Part(lit.toString(), false, quoted));
            lit.setLength(0);
        }
    }

    private static int count(String s, char c) {
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }

    // ---- parser

    private Token peek() {
        return tokens.get(pos);
    }

    private boolean atKeyword(String k) {
        Token t = peek();
        return t.kind == Kind.WORD && !t.word.quoted() && k.equals(t.word.literal());
    }

    private void skipEnds() {
        while (peek().kind == Kind.END) {
            pos++;
        }
    }

    /** Commands until one of {@code stops} (a keyword at a command's start), a '}' or the end. */
    private List<Node> list(List<String> stops) throws SyntaxError {
        List<Node> out = new ArrayList<>();
        while (true) {
            skipEnds();
            Token t = peek();
            if (t.kind == Kind.EOF || t.kind == Kind.CLOSE) {
                return out;
            }
            for (String s : stops) {
                if (atKeyword(s)) {
                    return out;
                }
            }
            out.add(command());
        }
    }

    private Node command() throws SyntaxError {
        Token t = peek();
        if (++nesting > MAX_NESTING) {
            throw new SyntaxError(t.line, "blocks nest deeper than " + MAX_NESTING);
        }
        try {
            return commandAt(t);
        } finally {
            nesting--;
        }
    }

    private Node commandAt(Token t) throws SyntaxError {
        if (t.kind == Kind.OPEN) {
            throw new SyntaxError(t.line, "unexpected '{'");
        }
        String k = t.word.quoted() ? null : t.word.literal();
        if ("if".equals(k)) {
            return ifCommand();
        }
        if ("menuentry".equals(k) || "submenu".equals(k) || "function".equals(k)) {
            return block(k);
        }
        if ("for".equals(k) || "while".equals(k) || "until".equals(k)) {
            return loop(k);
        }
        List<Word> words = new ArrayList<>();
        while (peek().kind == Kind.WORD) {
            words.add(tokens.get(pos++).word);
        }
        return new Simple(List.copyOf(words), t.line);
    }

    private void expect(String keyword) throws SyntaxError {
        skipEnds();
        if (!atKeyword(keyword)) {
            throw new SyntaxError(peek().line, "'" + keyword + "' expected");
        }
        pos++;
    }

    private Node ifCommand() throws SyntaxError {
        int line = peek().line;
        pos++;
        List<List<Node>> conditions = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        conditions.add(list(List.of("then")));
        expect("then");
        bodies.add(list(List.of("elif", "else", "fi")));
        while (true) {
            skipEnds();
            if (atKeyword("elif")) {
                pos++;
                conditions.add(list(List.of("then")));
                expect("then");
                bodies.add(list(List.of("elif", "else", "fi")));
            } else if (atKeyword("else")) {
                pos++;
                conditions.add(null);
                bodies.add(list(List.of("fi")));
            } else {
                expect("fi");
                return new If(conditions, bodies, line);
            }
        }
    }

    private Node block(String keyword) throws SyntaxError {
        int line = peek().line;
        pos++;
        List<Word> words = new ArrayList<>();
        while (peek().kind == Kind.WORD) {
            words.add(tokens.get(pos++).word);
        }
        skipEnds();
        if (peek().kind != Kind.OPEN) {
            throw new SyntaxError(line, "'" + keyword + "' without '{'");
        }
        int bodyStart = peek().offset + 1;
        pos++;
        List<Node> body = list(List.of());
        if (peek().kind != Kind.CLOSE) {
            throw new SyntaxError(line, "the '{' of this " + keyword + " is not closed");
        }
        int bodyEnd = peek().offset;
        pos++;
        return new Block(keyword, List.copyOf(words), body, text.substring(bodyStart, bodyEnd), line);
    }

    private Node loop(String keyword) throws SyntaxError {
        int line = peek().line;
        pos++;
        List<Word> words = new ArrayList<>();
        if (keyword.equals("for")) {
            while (peek().kind == Kind.WORD && !atKeyword("do")) {
                words.add(tokens.get(pos++).word);
            }
        } else {
            list(List.of("do"));
        }
        expect("do");
        List<Node> body = list(List.of("done"));
        expect("done");
        return new Loop(keyword, List.copyOf(words), body, line);
    }
}
