"""esiti reacts to what happens to an ordinativo and its schede (receivers of contratti's domain
signals, issue 16): contratti never imports esiti."""


def connect():
    """Connect the receivers (called once from EsitiConfig.ready)."""
