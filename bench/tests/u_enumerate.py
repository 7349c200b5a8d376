#!/usr/bin/env python3
# The exact two-sided Mann-Whitney U p-values test_report.c's stats tests
# expect, computed independently of bench/stats.c: every split of the
# pooled sample is enumerated, U counted pair by pair (a tie counts 1/2),
# p = 2 x the smaller tail (at most 1), as an exact fraction.
from fractions import Fraction
from itertools import combinations


def u_stat(a, b):
    return sum(Fraction(1) if x > y else Fraction(1, 2) if x == y else 0
               for x in a for y in b)


def p_value(a, b):
    pool = list(a) + list(b)
    u0 = u_stat(a, b)
    le = ge = total = 0
    for idx in combinations(range(len(pool)), len(a)):
        chosen = set(idx)
        u = u_stat([pool[i] for i in idx],
                   [pool[i] for i in range(len(pool)) if i not in chosen])
        total += 1
        le += u <= u0
        ge += u >= u0
    return min(Fraction(1), 2 * Fraction(min(le, ge), total))


CASES = [
    ([1, 2, 2, 3, 4], [2, 3, 3, 5, 6, 7]),                  # 4/33
    ([0] * 9, [0, 0, 0.2, 0.4, 0, 0.1, 0.3, 0, 0.5]),       # 1/34
    ([0] * 5, [0, 0, 0, 0, 1.5]),                           # 1
    ([1.5], [0] * 9),                                       # 1/5
    ([0.3, 1.7, 2.2, 9.1], [2.0, 5.5, 6.1]),                # 22/35
]

if __name__ == "__main__":
    for a, b in CASES:
        print(a, b, p_value(a, b))
