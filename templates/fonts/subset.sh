#!/usr/bin/env bash
# Rebuilds the shipped fonts from Debian's fonts-noto-cjk (Noto Sans CJK, SIL OFL 1.1): the Simplified
# Chinese face (number 2 of the collection), subset to GB 2312, Latin, punctuation and every CJK
# character the project's own files use. Needs apt-get and Python's fonttools (pip install fonttools).
# Run from the repository root: bash templates/fonts/subset.sh
set -euo pipefail
out=templates/fonts
work=$(mktemp -d)
(cd "$work" && apt-get download fonts-noto-cjk >/dev/null && dpkg-deb -x fonts-noto-cjk_*.deb x)
python3 - "$work/chars.txt" <<'PY'
import glob, sys
chars = set()
for b1 in range(0xA1, 0xF8):              # GB 2312: every defined two-byte code
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
ranges = [(0x20, 0x7F), (0xA0, 0x180), (0x2000, 0x2070), (0x2100, 0x2300), (0x2460, 0x24FF),
          (0x25A0, 0x2600), (0x3000, 0x3040), (0xFF00, 0xFFF0)]
for lo, hi in ranges:
    chars.update(chr(c) for c in range(lo, hi))
for pattern in ["src/**/*.rs", "templates/*", "data/**/*.*", "docs/*.md"]:
    for f in glob.glob(pattern, recursive=True):
        try:
            chars.update(c for c in open(f, encoding="utf-8").read() if ord(c) >= 0x2E80)
        except (UnicodeDecodeError, IsADirectoryError):
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
for w in Regular Bold; do
  pyftsubset "$work/x/usr/share/fonts/opentype/noto/NotoSansCJK-$w.ttc" --font-number=2 \
    --text-file="$work/chars.txt" --no-hinting --layout-features='kern,liga,ccmp,calt,halt,palt' \
    --output-file="$out/NotoSansSC-$w-subset.otf"
done
rm -rf "$work"
