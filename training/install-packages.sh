#!/usr/bin/env bash
# Installs what the training recipe reads: synthesis voices, the real-speech packages (some in Debian's contrib and
# non-free sections, enabled here through an extra apt sources file that mirrors the main one), ffmpeg for decoding,
# and pocketsphinx for the side-by-side comparison. Idempotent; needs root.
set -euo pipefail
main=/etc/apt/sources.list.d/debian.sources
extra=/etc/apt/sources.list.d/speechmoe-contrib-non-free.sources
if [[ -f $main && ! -f $extra ]] && ! grep -q 'contrib' "$main"; then
    sed 's/^Components: .*/Components: contrib non-free/' "$main" > "$extra"
fi
apt-get update -qq
echo "debconf shared/accepted-lib-license boolean true" | debconf-set-selections 2>/dev/null || true
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox ffmpeg \
    fortunes fortunes-min asterisk-core-sounds-en-wav asterisk-core-sounds-en asterisk-core-sounds-en-g722 \
    python3-torch python3-torchaudio python3-numpy python3-yaml \
    libttspico-utils rhvoice rhvoice-english \
    drascula flight-of-the-amazon-queen beneath-a-steel-sky warzone2100-data \
    klettres-data ktuberling-data tuxpaint-stamps-default \
    pocketsphinx pocketsphinx-en-us
