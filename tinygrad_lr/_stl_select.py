"""Which of several equal values PyTorch's CPU ``topk`` returns: the order libstdc++'s
``std::partial_sort`` / ``std::nth_element`` + ``std::sort`` leave them in.

PyTorch's CPU kernel fills a vector of (value, index) pairs for a row and, comparing values only,
runs ``partial_sort(k)`` when k·64 <= n, else ``nth_element(k − 1)`` followed by ``sort`` of the
first k − 1. None of these is stable, so among equal values the indices come out in an order only
those algorithms define; this module replays them step by step (GCC's ``stl_algo.h`` and
``stl_heap.h`` algorithms: introselect, introsort with median-of-three pivots, heap select).
Plain Python on one row: used only for rows that hold equal values (any algorithm agrees
otherwise).
"""
from __future__ import annotations

import math
from typing import Callable

Less = Callable[[float, float], bool]


def comparator(largest: bool) -> Less:
    """PyTorch's: NaN counts as the largest value (NumPy's order)."""
    if largest:
        return lambda x, y: (math.isnan(x) and not math.isnan(y)) or x > y
    return lambda x, y: (not math.isnan(x) and math.isnan(y)) or x < y


class _Row:
    """(value, index) pairs and the libstdc++ algorithms on them, comparing values with ``less``."""

    def __init__(self, values: list[float], less: Less) -> None:
        self.a = [(v, i) for i, v in enumerate(values)]
        self.less = less

    def lt(self, i: int, j: int) -> bool:
        return self.less(self.a[i][0], self.a[j][0])

    def swap(self, i: int, j: int) -> None:
        self.a[i], self.a[j] = self.a[j], self.a[i]

    # ------------------------------------------------------------------ insertion sorts
    def unguarded_linear_insert(self, last: int) -> None:
        val = self.a[last]
        nxt = last - 1
        while self.less(val[0], self.a[nxt][0]):
            self.a[last] = self.a[nxt]
            last, nxt = nxt, nxt - 1
        self.a[last] = val

    def insertion_sort(self, first: int, last: int) -> None:
        if first == last:
            return
        for i in range(first + 1, last):
            if self.lt(i, first):
                val = self.a[i]
                self.a[first + 1:i + 1] = self.a[first:i]
                self.a[first] = val
            else:
                self.unguarded_linear_insert(i)

    def final_insertion_sort(self, first: int, last: int) -> None:
        if last - first > 16:
            self.insertion_sort(first, first + 16)
            for i in range(first + 16, last):
                self.unguarded_linear_insert(i)
        else:
            self.insertion_sort(first, last)

    # ------------------------------------------------------------------ partitioning
    def move_median_to_first(self, result: int, a: int, b: int, c: int) -> None:
        if self.lt(a, b):
            if self.lt(b, c):
                self.swap(result, b)
            elif self.lt(a, c):
                self.swap(result, c)
            else:
                self.swap(result, a)
        elif self.lt(a, c):
            self.swap(result, a)
        elif self.lt(b, c):
            self.swap(result, c)
        else:
            self.swap(result, b)

    def unguarded_partition(self, first: int, last: int, pivot: int) -> int:
        while True:
            while self.lt(first, pivot):
                first += 1
            last -= 1
            while self.lt(pivot, last):
                last -= 1
            if not first < last:
                return first
            self.swap(first, last)
            first += 1

    def unguarded_partition_pivot(self, first: int, last: int) -> int:
        mid = first + (last - first) // 2
        self.move_median_to_first(first, first + 1, mid, last - 1)
        return self.unguarded_partition(first + 1, last, first)

    # ------------------------------------------------------------------ heaps
    def push_heap(self, first: int, hole: int, top: int, value: tuple) -> None:
        parent = (hole - 1) // 2
        while hole > top and self.less(self.a[first + parent][0], value[0]):
            self.a[first + hole] = self.a[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        self.a[first + hole] = value

    def adjust_heap(self, first: int, hole: int, length: int, value: tuple) -> None:
        top = hole
        child = hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if self.lt(first + child, first + child - 1):
                child -= 1
            self.a[first + hole] = self.a[first + child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            self.a[first + hole] = self.a[first + child - 1]
            hole = child - 1
        self.push_heap(first, hole, top, value)

    def make_heap(self, first: int, last: int) -> None:
        length = last - first
        if length < 2:
            return
        parent = (length - 2) // 2
        while True:
            self.adjust_heap(first, parent, length, self.a[first + parent])
            if parent == 0:
                return
            parent -= 1

    def pop_heap(self, first: int, last: int, result: int) -> None:
        value = self.a[result]
        self.a[result] = self.a[first]
        self.adjust_heap(first, 0, last - first, value)

    def heap_select(self, first: int, middle: int, last: int) -> None:
        self.make_heap(first, middle)
        for i in range(middle, last):
            if self.lt(i, first):
                self.pop_heap(first, middle, i)

    def sort_heap(self, first: int, last: int) -> None:
        while last - first > 1:
            last -= 1
            self.pop_heap(first, last, last)

    # ------------------------------------------------------------------ the three algorithms
    def partial_sort(self, first: int, middle: int, last: int) -> None:
        self.heap_select(first, middle, last)
        self.sort_heap(first, middle)

    def sort(self, first: int, last: int) -> None:
        if last - first > 1:
            self.introsort_loop(first, last, 2 * ((last - first).bit_length() - 1))
            self.final_insertion_sort(first, last)

    def introsort_loop(self, first: int, last: int, depth: int) -> None:
        while last - first > 16:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self.unguarded_partition_pivot(first, last)
            self.introsort_loop(cut, last, depth)
            last = cut

    def nth_element(self, first: int, nth: int, last: int) -> None:
        if first == last or nth == last:
            return
        depth = 2 * ((last - first).bit_length() - 1)
        while last - first > 3:
            if depth == 0:
                self.heap_select(first, nth + 1, last)
                self.swap(first, nth)
                return
            depth -= 1
            cut = self.unguarded_partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self.insertion_sort(first, last)


def topk_indices(values: list[float], k: int, largest: bool, sorted: bool = True) -> list[int]:  # noqa: A002
    """The indices PyTorch's CPU ``topk`` returns for one row, in its order."""
    n = len(values)
    row = _Row(values, comparator(largest))
    if k == 0:
        return []
    if k * 64 <= n:
        row.partial_sort(0, k, n)
    else:
        row.nth_element(0, k - 1, n)
        if sorted:
            row.sort(0, k - 1)
    return [i for _, i in row.a[:k]]
