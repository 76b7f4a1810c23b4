from pyossl.rand import *
