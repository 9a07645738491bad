#!/bin/sh
# Builds TLC's tla2tools.jar from a checkout of github.com/tlaplus/tlaplus with javac alone, for machines that
# reach neither TLC's release page nor Maven Central (the project's Ant and Maven builds fetch from there). The
# libraries TLC needs are committed in the checkout (tlatools/org.lamport.tlatools/lib); the jar takes the ones
# its release jar bundles (javax.mail, jline, gson, lsp4j), the standard modules and the other resources of src/.
#
#   sh bench/tlc/build-tla2tools.sh TLAPLUS_CHECKOUT OUT_JAR
#
# OUT_JAR must not exist: this script writes nothing it did not create (its work folder is a new mktemp -d,
# removed at the end). Checked on tlaplus commit cc6b616cf with OpenJDK 17: about 20 s; PgRef at N=3 then gives
# TLC's 8,357 distinct states.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: sh bench/tlc/build-tla2tools.sh TLAPLUS_CHECKOUT OUT_JAR" >&2
  exit 2
fi
tools="$1/tlatools/org.lamport.tlatools"
out="$2"
if [ ! -d "$tools/src/tlc2" ]; then
  echo "build-tla2tools: $tools/src/tlc2 not found: give the root of a tlaplus checkout" >&2
  exit 2
fi
if [ -e "$out" ]; then
  echo "build-tla2tools: $out exists; give a new path" >&2
  exit 2
fi
for tool in javac jar unzip; do
  command -v "$tool" >/dev/null || { echo "build-tla2tools: $tool not found (Debian: apt-get install openjdk-17-jdk-headless unzip)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
classes="$work/classes"
mkdir "$classes"

classpath=$(find "$tools/lib" -name '*.jar' | tr '\n' ':')
find "$tools/src" -name '*.java' > "$work/sources"
javac -nowarn -encoding UTF-8 -d "$classes" -cp "$classpath" @"$work/sources" 2>&1 | grep -v '^Note:' || true
[ -f "$classes/tlc2/TLC.class" ] || { echo "build-tla2tools: javac did not build tlc2.TLC" >&2; exit 1; }

# The standard modules (.tla) and the other resources sit beside the sources.
(cd "$tools/src" && find . -type f ! -name '*.java' -print | tar -cf - -T -) | tar -xf - -C "$classes"
for lib in "$tools"/lib/javax.mail/*.jar "$tools"/lib/jline/*.jar "$tools"/lib/gson/*.jar "$tools"/lib/lsp/*.jar; do
  [ -f "$lib" ] && (cd "$classes" && unzip -oq "$lib" -x 'META-INF/*')
done
printf 'Main-Class: tlc2.TLC\n' > "$work/manifest"
jar cfm "$out" "$work/manifest" -C "$classes" .
echo "built $out"
