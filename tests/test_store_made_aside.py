"""``aside.made_aside``: an iterator run in a second thread, handed over in order; its error
raised to the caller; the thread stopped and joined when the caller stops early."""

import threading

import pytest

from arwatch.sync.store import aside


def alive(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name]


def test_items_come_in_order_and_the_thread_ends():
    with aside.made_aside(iter(range(1000)), "test-aside") as made:
        assert list(made) == list(range(1000))
    assert alive("test-aside") == []


def test_an_error_of_the_iterator_is_raised_to_the_caller_after_the_items_before_it():
    class Unstorable(Exception):
        pass

    def items():
        yield from range(5)
        raise Unstorable("cannot store object as JSON")

    taken = []
    with pytest.raises(Unstorable, match="cannot store"), aside.made_aside(items(), "test-aside") as made:
        for item in made:
            taken.append(item)
    assert taken == [0, 1, 2, 3, 4]
    assert alive("test-aside") == []


def test_a_caller_that_stops_stops_the_thread_before_its_error_goes_on():
    made_count = 0

    def items():
        nonlocal made_count
        for n in range(10_000):
            made_count += 1
            yield n

    with pytest.raises(RuntimeError, match="insert failed"), aside.made_aside(items(), "test-aside") as made:
        for item in made:
            if item == 3:
                raise RuntimeError("insert failed")
    assert alive("test-aside") == []  # joined before the error left the with block
    assert made_count <= 4 + aside.DEPTH + 1  # the thread stopped: it did not make the rest
