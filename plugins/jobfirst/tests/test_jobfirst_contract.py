"""The JobFirst plugin passes the activemeasures plugin contract, as installed."""

import activemeasures_jobfirst
from activemeasures.testing import PluginContract


class TestJobFirstContract(PluginContract):
    plugin = activemeasures_jobfirst
    name = "jobfirst"
    entry_point = "jobfirst"
