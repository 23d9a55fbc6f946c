"""Policy packages: each one a document's clauses, parameters, rules and case tests.

The apps reach them only through ``policies.loader.policy()`` (the packages in force,
configured by ``JIUYE_POLICY_PACKAGES``); ``policies.model`` holds the shapes of what a
package tells the apps besides its rules (bindings, audiences, self-check hints, labels).
"""
