from tests.registry.conftest import divisions

__all__ = ["divisions"]
