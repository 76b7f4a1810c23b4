from pyossl.SSL import *
