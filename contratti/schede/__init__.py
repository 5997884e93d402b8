"""Schede ANAC after the derived CIG of an ordinativo (ANN, SC1): rules in ``services``, ANAC
outcomes in ``anac``, pages in ``views``."""
