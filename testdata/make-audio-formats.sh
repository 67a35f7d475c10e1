#!/bin/sh
# Makes the small fixtures of testdata/audio-formats/ from testdata/wav/vowels.wav (1.2 s, 16 kHz, 16-bit mono) and
# samples/synthetic-espeak.wav, with Debian's encoders:
#   apt-get install flac lame vorbis-tools sox opus-tools
# The tests compare the lossless ones (FLAC, AIFF, AU) with the WAV they came from sample for sample, the companded
# ones (u-law, A-law) with their own G.711 decode (the u-law AU holds the u-law WAV's codes), and the lossy ones (MP3, Vorbis) by duration and level.
set -eu
cd "$(dirname "$0")"
src=wav/vowels.wav
out=audio-formats
mkdir -p "$out"
flac --silent --force -8 --no-padding -o "$out/vowels.flac" "$src"
flac --silent --force -8 --no-padding -o "$out/synthetic-espeak.flac" ../samples/synthetic-espeak.wav
lame --quiet --noreplaygain -b 32 "$src" "$out/vowels.mp3"
oggenc --quiet -q 0 -o "$out/vowels.ogg" "$src"
opusenc --quiet --bitrate 16 "$src" "$out/vowels.opus"
sox "$src" -t aiff "$out/vowels.aiff"
sox "$src" -t au -e signed-integer -b 16 "$out/vowels.au"
sox "$src" -t wav -e u-law -b 8 "$out/vowels-ulaw.wav"
sox "$src" -t wav -e a-law -b 8 "$out/vowels-alaw.wav"
sox "$out/vowels-ulaw.wav" -t au -e u-law -b 8 "$out/vowels-ulaw.au"
