import { definePlugin } from '@rapport/core'
import { priceBookEntity, priceBookEntryEntity, productEntity } from './product-entities.js'
import { productHooks } from './product-hooks.js'
import { productOperations } from './product-operations.js'
import { productsService } from './products-service.js'

/**
 * Products and price books as a core plugin: the `product`, `priceBook` and `priceBookEntry` entities, the hooks that
 * keep validity periods apart, and `crm.plugins.products.lookupPrice`; the three entities are offered to the REST server
 * and MCP tools as collections, and the lookup as the `lookupPrice` operation of a product.
 *
 * @example
 * ```ts
 * const crm = createCrm({ storage, plugins: [productsPlugin()] as const })
 * const product = await crm.entity('product').create({ code: 'SKU-1', name: 'Widget' })
 * const book = await crm.entity('priceBook').create({ name: 'EUR list', currency: 'EUR' })
 * await crm.entity('priceBookEntry').create({ priceBookId: book.id, productId: product.id, unitPriceMinor: 1000 })
 * await crm.entity('priceBookEntry').create({ priceBookId: book.id, productId: product.id, unitPriceMinor: 900, minQuantity: 20 })
 * const price = await crm.plugins.products.lookupPrice({ productId: product.id, quantity: 25, date: '2026-03-01', currency: 'EUR' })
 * price.unitPriceMinor // 900
 * ```
 */
export function productsPlugin() {
  return definePlugin({
    id: 'products',
    schema: { entities: [productEntity, priceBookEntity, priceBookEntryEntity] },
    hooks: productHooks,
    api: ({ crm }) => productsService(crm),
    expose: { entities: ['product', 'priceBook', 'priceBookEntry'], operations: productOperations },
  })
}
