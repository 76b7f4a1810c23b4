__author__: str
__copyright__: str
__email__: str
__license__: str
__summary__: str
__title__: str
__uri__: str
__version__: str
