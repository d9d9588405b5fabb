package org.nixusb.mojo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README and {@code docs/} against the plugin descriptor the build generates from the mojos
 * ({@code META-INF/maven/plugin.xml}, the same source as {@code mvn nixusb:help -Ddetail}): every parameter a
 * user can set is documented (by name or by its property), and every {@code nixusb.*} property the documents
 * name exists, so a renamed or removed parameter cannot leave stale documentation behind.
 */
class ParameterDocsTest {
    private static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");
    /**
     * properties of the build's own tests, named in docs/testing.md, and the test fixture's kernel argument
     * {@code nixusb.shell}: not plugin parameters
     */
    private static final Pattern TEST_ONLY = Pattern.compile("nixusb\\.((fuzz|test)\\..*|shell)");

    private record Param(String goal, String name, String property, String description) {
    }

    private static List<Param> parameters() throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DESCRIPTOR.toFile());
        List<Param> out = new ArrayList<>();
        NodeList mojos = d.getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) {
            Element mojo = (Element) mojos.item(i);
            String goal = text(mojo, "goal");
            if (goal.equals("help")) {
                continue;
            }
            Element params = (Element) mojo.getElementsByTagName("parameters").item(0);
            Element config = (Element) mojo.getElementsByTagName("configuration").item(0);
            NodeList ps = params.getElementsByTagName("parameter");
            for (int j = 0; j < ps.getLength(); j++) {
                Element p = (Element) ps.item(j);
                if (!"true".equals(text(p, "editable"))) {
                    continue;
                }
                String name = text(p, "name");
                String property = null;
                NodeList c = config == null ? null : config.getElementsByTagName(name);
                if (c != null && c.getLength() > 0) {
                    Matcher m = Pattern.compile("\\$\\{([^}]+)\\}").matcher(c.item(0).getTextContent());
                    property = m.find() ? m.group(1) : null;
                }
                out.add(new Param(goal, name, property, text(p, "description")));
            }
        }
        return out;
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().strip();
    }

    private static String documents() throws Exception {
        StringBuilder all = new StringBuilder(Files.readString(Path.of("../README.md")));
        try (var docs = Files.list(Path.of("../docs"))) {
            for (Path f : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                all.append('\n').append(Files.readString(f));
            }
        }
        return all.toString();
    }

    /**
     * The sections of README.md and docs/ that belong to a goal: those whose heading names it ({@code `remaster`}
     * or {@code `nixusb:remaster`}), each up to the next heading of its level or higher; a page whose title names
     * the goal counts whole.
     */
    static String goalDocuments(String goal) throws Exception {
        List<Path> files = new ArrayList<>(List.of(Path.of("../README.md")));
        try (var docs = Files.list(Path.of("../docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        StringBuilder out = new StringBuilder();
        Pattern names = Pattern.compile("`(nixusb:)?" + Pattern.quote(goal) + "`");
        for (Path f : files) {
            String[] lines = Files.readString(f).split("\n");
            int level = 0; // the level of the heading being collected, 0: none
            for (String line : lines) {
                Matcher h = Pattern.compile("^(#+)\\s").matcher(line);
                if (h.find()) {
                    int l = h.group(1).length();
                    if (level > 0 && l <= level) {
                        level = 0;
                    }
                    if (level == 0 && names.matcher(line).find()) {
                        level = l;
                    }
                }
                if (level > 0) {
                    out.append(line).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** A parameter named only in another goal's section does not count: the control for the rule above. */
    @Test
    void anotherGoalsSectionDoesNotCount() throws Exception {
        String remaster = goalDocuments("remaster");
        String boot = goalDocuments("boot");
        assertTrue(remaster.contains("`efiImagePath`") && !boot.contains("`efiImagePath`"), "efiImagePath is remaster's");
        assertTrue(boot.contains("`stickSize`") && !remaster.contains("`stickSize`"), "stickSize is boot's");
    }

    /**
     * Every parameter a user can set has a description in the descriptor ({@code mvn nixusb:help -Ddetail} prints
     * it): its field carries its own Javadoc, not one stacked above another field's.
     */
    @Test
    void everyParameterHasADescriptionInTheDescriptor() throws Exception {
        assertTrue(Files.isRegularFile(DESCRIPTOR), "the build generates " + DESCRIPTOR + " before the tests");
        List<String> bare = new ArrayList<>();
        for (Param p : parameters()) {
            if (p.description() == null || p.description().isBlank()) {
                bare.add(p.goal() + ":" + p.name());
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), bare, "parameters without a description");
    }

    @Test
    void everyParameterIsDocumentedAndEveryDocumentedPropertyExists() throws Exception {
        assertTrue(Files.isRegularFile(DESCRIPTOR), "the build generates " + DESCRIPTOR + " before the tests");
        List<Param> params = parameters();
        assertTrue(params.size() > 50, "read the descriptor: " + params.size() + " parameters");
        String docs = documents();
        List<String> undocumented = new ArrayList<>();
        Set<String> properties = new LinkedHashSet<>();
        for (Param p : params) {
            if (p.property() != null) {
                properties.add(p.property());
            }
            String own = goalDocuments(p.goal());
            boolean named = own.contains("`" + p.name() + "`") || p.property() != null && own.contains(p.property());
            if (!named) {
                undocumented.add(p.goal() + ": " + p.name() + (p.property() == null ? "" : " (" + p.property() + ")"));
            }
        }
        assertTrue(undocumented.isEmpty(), "parameters their goal's own sections of README.md and docs/ do not name: "
                + undocumented);

        List<String> stale = new ArrayList<>();
        Matcher m = Pattern.compile("(?<![\\w.])nixusb\\.[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]").matcher(docs);
        while (m.find()) {
            String prop = m.group();
            boolean prefix = docs.startsWith(".<", m.end()); // nixusb.boot.<name>
            boolean known = properties.contains(prop)
                    || prefix && properties.stream().anyMatch(q -> q.startsWith(prop + "."));
            if (!known && !TEST_ONLY.matcher(prop).matches() && !stale.contains(prop)) {
                stale.add(prop);
            }
        }
        assertTrue(stale.isEmpty(), "properties the documents name that no parameter has: " + stale);
    }
}
