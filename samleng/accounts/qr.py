"""QR codes as inline SVG, so that staff can scan their two-factor secret instead of typing 32 letters on a
phone, without a dependency for it. Byte mode, error correction level M, versions 1 to 40; the algorithm
follows the QR specification (ISO/IEC 18004) as laid out by Project Nayuki's qrcodegen (MIT).
accounts/tests/test_qr.py checks the output module by module against a known encoder's."""

from functools import cache

# Error correction level M: codewords of error correction per block, and blocks, by version (index 0 unused).
_ECC_PER_BLOCK = (0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28,
                  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28)
_BLOCKS = (0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
           31, 33, 35, 37, 38, 40, 43, 45, 47, 49)
_FORMAT_BITS_M = 0  # the two bits that name level M in the format information
_MASKS = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


def svg(text: str, *, quiet: int = 4) -> str:
    """An <svg> element showing `text` as a QR code ("" if the text is too long for one)."""
    matrix = encode(text.encode())
    if matrix is None:
        return ""
    size = len(matrix) + 2 * quiet
    # One path of horizontal runs keeps the SVG small (about 3 KB for an otpauth:// URI).
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + quiet} {y + quiet}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="240" height="240" '
            f'shape-rendering="crispEdges" role="img"><rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path fill="#000" d="{"".join(runs)}"/></svg>')


def encode(data: bytes, *, mask: int | None = None) -> list[list[bool]] | None:
    """The modules (True is dark) of the smallest QR code holding `data`, or None if none can. `mask` forces
    one of the eight masks; by default the one with the lowest penalty is chosen, as the standard says."""
    for version in range(1, 41):
        if len(data) + (2 if version < 10 else 3) <= _data_codewords(version):
            break
    else:
        return None
    qr = _Symbol(version)
    qr.draw_codewords(_add_ecc_and_interleave(_data_bits(data, version), version))
    if mask is None:
        mask = min(range(8), key=qr.penalty_with)
    qr.apply_mask(mask)
    qr.draw_format_bits(mask)
    return qr.modules


def _raw_modules(version: int) -> int:
    """Modules left for data and error correction once the function patterns are drawn."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        align = version // 7 + 2
        result -= (25 * align - 10) * align - 55
        if version >= 7:
            result -= 36
    return result


def _data_codewords(version: int) -> int:
    return _raw_modules(version) // 8 - _ECC_PER_BLOCK[version] * _BLOCKS[version]


def _data_bits(data: bytes, version: int) -> list[int]:
    """Byte mode header, the data, terminator and padding, as codewords."""
    bits = "0100" + format(len(data), "08b" if version < 10 else "016b") + "".join(format(b, "08b") for b in data)
    capacity = _data_codewords(version) * 8
    bits += "0" * min(4, capacity - len(bits))
    bits += "0" * (-len(bits) % 8)
    codewords = [int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)]
    pad = 0xEC
    while len(codewords) < capacity // 8:
        codewords.append(pad)
        pad ^= 0xEC ^ 0x11
    return codewords


def _gf_multiply(x: int, y: int) -> int:
    """Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1."""
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


@cache
def _rs_divisor(degree: int) -> tuple[int, ...]:
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _gf_multiply(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _gf_multiply(root, 0x02)
    return tuple(result)


def _rs_remainder(data: list[int], divisor: tuple[int, ...]) -> list[int]:
    result = [0] * len(divisor)
    for byte in data:
        factor = byte ^ result.pop(0)
        result.append(0)
        for i, coefficient in enumerate(divisor):
            result[i] ^= _gf_multiply(coefficient, factor)
    return result


def _add_ecc_and_interleave(data: list[int], version: int) -> list[int]:
    blocks_count, ecc_len = _BLOCKS[version], _ECC_PER_BLOCK[version]
    raw = _raw_modules(version) // 8
    short_blocks = blocks_count - raw % blocks_count
    short_len = raw // blocks_count
    divisor = _rs_divisor(ecc_len)
    blocks, k = [], 0
    for i in range(blocks_count):
        chunk = data[k:k + short_len - ecc_len + (0 if i < short_blocks else 1)]
        k += len(chunk)
        ecc = _rs_remainder(chunk, divisor)
        if i < short_blocks:
            chunk = [*chunk, 0]  # a placeholder, skipped below, so that all blocks have the same length
        blocks.append(chunk + ecc)
    return [
        block[i]
        for i in range(len(blocks[0]))
        for j, block in enumerate(blocks)
        if i != short_len - ecc_len or j >= short_blocks
    ]


class _Symbol:
    def __init__(self, version: int):
        self.version = version
        self.size = version * 4 + 17
        self.modules = [[False] * self.size for _ in range(self.size)]
        self.function = [[False] * self.size for _ in range(self.size)]
        self._draw_function_patterns()

    def _set(self, x: int, y: int, dark: bool) -> None:
        self.modules[y][x] = dark
        self.function[y][x] = True

    def _draw_function_patterns(self) -> None:
        size = self.size
        for i in range(size):
            self._set(6, i, i % 2 == 0)
            self._set(i, 6, i % 2 == 0)
        for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    if 0 <= cx + dx < size and 0 <= cy + dy < size:
                        self._set(cx + dx, cy + dy, max(abs(dx), abs(dy)) not in (2, 4))
        positions = self._alignment_positions()
        last = len(positions) - 1
        for i, ax in enumerate(positions):
            for j, ay in enumerate(positions):
                if (i, j) not in ((0, 0), (0, last), (last, 0)):  # those corners hold finder patterns
                    for dy in range(-2, 3):
                        for dx in range(-2, 3):
                            self._set(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
        self.draw_format_bits(0)  # reserves the format areas; drawn again once the mask is known
        if self.version >= 7:
            remainder = self.version
            for _ in range(12):
                remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
            bits = self.version << 12 | remainder
            for i in range(18):
                dark = (bits >> i) & 1 == 1
                a, b = size - 11 + i % 3, i // 3
                self._set(a, b, dark)
                self._set(b, a, dark)

    def _alignment_positions(self) -> list[int]:
        if self.version == 1:
            return []
        count = self.version // 7 + 2
        step = (self.version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
        return [6] + sorted(self.size - 7 - i * step for i in range(count - 1))

    def draw_format_bits(self, mask: int) -> None:
        data = _FORMAT_BITS_M << 3 | mask
        remainder = data
        for _ in range(10):
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        bits = (data << 10 | remainder) ^ 0x5412

        def bit(i: int) -> bool:
            return (bits >> i) & 1 == 1

        size = self.size
        for i in range(6):
            self._set(8, i, bit(i))
        self._set(8, 7, bit(6))
        self._set(8, 8, bit(7))
        self._set(7, 8, bit(8))
        for i in range(9, 15):
            self._set(14 - i, 8, bit(i))
        for i in range(8):
            self._set(size - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self._set(8, size - 15 + i, bit(i))
        self._set(8, size - 8, True)  # the module that is always dark

    def draw_codewords(self, codewords: list[int]) -> None:
        """Zigzag up and down two columns at a time from the right, skipping the function patterns."""
        size, i, total = self.size, 0, len(codewords) * 8
        right = size - 1
        while right >= 1:
            if right == 6:
                right = 5  # the vertical timing pattern
            upward = (right + 1) & 2 == 0
            for vert in range(size):
                y = size - 1 - vert if upward else vert
                for x in (right, right - 1):
                    if not self.function[y][x] and i < total:
                        self.modules[y][x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
            right -= 2

    def apply_mask(self, mask: int) -> None:
        condition = _MASKS[mask]
        for y in range(self.size):
            for x in range(self.size):
                if not self.function[y][x] and condition(x, y):
                    self.modules[y][x] = not self.modules[y][x]

    def penalty_with(self, mask: int) -> int:
        self.apply_mask(mask)
        self.draw_format_bits(mask)
        score = self._penalty()
        self.apply_mask(mask)  # a mask applied twice is undone
        return score

    def _penalty(self) -> int:
        """The standard's four penalty rules: long runs, 2x2 blocks, finder look-alikes, and imbalance."""
        rows = ["".join("1" if m else "0" for m in row) for row in self.modules]
        columns = ["".join(row[x] for row in rows) for x in range(self.size)]
        score = 0
        for line in rows + columns:
            run_char, run = line[0], 0
            for char in line + "x":
                if char == run_char:
                    run += 1
                    continue
                if run >= 5:
                    score += 3 + run - 5
                run_char, run = char, 1
            for pattern in ("10111010000", "00001011101"):
                start = line.find(pattern)
                while start != -1:
                    score += 40
                    start = line.find(pattern, start + 1)
        m = self.modules
        for y in range(self.size - 1):
            for x in range(self.size - 1):
                if m[y][x] == m[y][x + 1] == m[y + 1][x] == m[y + 1][x + 1]:
                    score += 3
        dark = sum(row.count("1") for row in rows)
        total = self.size * self.size
        score += 10 * (abs(dark * 20 - total * 10) // total)
        return score
