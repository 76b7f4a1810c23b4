from pyossl.debug import *
