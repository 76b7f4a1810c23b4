from pyossl.crypto import *
