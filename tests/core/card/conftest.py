from tests.support.cardsim.fixtures import card_data, pcsc, place_card  # noqa: F401
