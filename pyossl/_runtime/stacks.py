"""OpenSSL stacks (``STACK_OF(T)``) from Python: the generic ``sk_*``
functions of the table, whatever the element type."""

from ctypes import c_void_p, cast

from .library import lib

_sk_num = lib.sk_num
_sk_value = lib.sk_value
_sk_free = lib.sk_free
_sk_pop_free = lib.sk_pop_free


def items(stack):
    """The element pointers of *stack* (a list; empty for ``NULL``)."""
    if not stack:
        return []
    return [_sk_value(stack, i) for i in range(_sk_num(stack))]


def free_address(free):
    """The C address of the bound free function *free*, for
    ``sk_pop_free``."""
    return cast(free, c_void_p).value


def pop_free(stack, free):
    """Free *stack* and every element with the bound function *free*."""
    _sk_pop_free(stack, free_address(free))


def take_all(stack, wrap, free):
    """Wrap every element of a stack that holds one reference to each, then
    free the stack.

    :param wrap: takes over one element (``Class._from_owned``).
    :param free: frees an element not wrapped yet (after a failure).
    :return: the list of wrapped elements.
    """
    result = []
    try:
        pointers = items(stack)
        for i, ptr in enumerate(pointers):
            try:
                result.append(wrap(ptr))
            except BaseException:
                for rest in pointers[i:]:      # not wrapped yet: ours
                    free(rest)
                raise
    finally:
        _sk_free(stack)
    return result


__all__ = ["items", "free_address", "pop_free", "take_all"]
