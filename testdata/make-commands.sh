#!/bin/sh
# Makes testdata/commands/: eight two-word commands spoken by espeak-ng with the voice en-us+f4 (one of the training
# recipe's held-out test voices, never trained on), 16 kHz 16-bit mono, and grammar.txt listing them. Used by the
# grammar tests of the command line. Needs Debian's espeak-ng and sox.
set -eu
cd "$(dirname "$0")/commands"
: > grammar.txt
for phrase in "turn left" "turn right" "go forward" "go back" "stop now" "open door" "close door" "play music"; do
  name=$(echo "$phrase" | tr ' ' '-')
  espeak-ng -v en-us+f4 -s 150 -w "$name.raw.wav" "$phrase"
  sox "$name.raw.wav" -r 16000 -b 16 -c 1 "$name.wav"
  rm "$name.raw.wav"
  echo "$phrase" >> grammar.txt
done
