"""Receivers of contratti's domain signals: the automatic notifications of the manual (issue 16).

comunicazioni sits above contratti: it listens to what happens to adesioni, ordinativi and schede;
contratti never imports comunicazioni.
"""

from . import adesioni, ordinativi


def connect():
    adesioni.connect()
    ordinativi.connect()
