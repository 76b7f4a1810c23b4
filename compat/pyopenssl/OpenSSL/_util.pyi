from pyossl._util import lib as lib
